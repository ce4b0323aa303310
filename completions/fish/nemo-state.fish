# fish completion for nemo-state
# Long flags (as --help prints them): --api --check --compact --context-out --draft --error-format --help --journal --pretty --quiet --session --summary --timeout --verbose --version --wait
complete -c nemo-state -f
complete -c nemo-state -l session -r -d 'Session id'
complete -c nemo-state -l summary -d 'Print the one-line track summary'
complete -c nemo-state -l draft -d 'Print the draft alone (JSON)'
complete -c nemo-state -l check -d 'Exit 0 when ready, 20 when not'
complete -c nemo-state -l wait -d 'Poll until the draft is ready'
complete -c nemo-state -l journal -d 'List the journal of sends and renders'
complete -c nemo-state -l timeout -x -d 'How long --wait waits'
complete -c nemo-state -l api -r -d 'API base URL'
complete -c nemo-state -l pretty -d 'Indent the JSON output'
complete -c nemo-state -l compact -d 'One-line JSON output'
complete -c nemo-state -s q -l quiet -d 'No notes on stderr'
complete -c nemo-state -s v -l verbose -d 'Log requests to stderr'
complete -c nemo-state -l error-format -x -a 'text json' -d 'Error format'
complete -c nemo-state -s O -l context-out -r -F -d 'Write the context to a file, atomically'
complete -c nemo-state -s h -l help -d 'Show help'
complete -c nemo-state -l version -d 'Show version'
