# fish completion for nemo-auth
set -l subs login status credits token logout
complete -c nemo-auth -f
complete -c nemo-auth -n "not __fish_seen_subcommand_from $subs" -a login -d 'Ensure a valid token'
complete -c nemo-auth -n "not __fish_seen_subcommand_from $subs" -a status -d 'Token validity and expiry'
complete -c nemo-auth -n "not __fish_seen_subcommand_from $subs" -a credits -d 'Credits available, frozen, total'
complete -c nemo-auth -n "not __fish_seen_subcommand_from $subs" -a token -d 'Print the raw token'
complete -c nemo-auth -n "not __fish_seen_subcommand_from $subs" -a logout -d 'Remove the stored token'
complete -c nemo-auth -n "__fish_seen_subcommand_from login" -l with-token -d 'Read a registered token from stdin'
complete -c nemo-auth -l api -r -d 'API base URL'
complete -c nemo-auth -l pretty -d 'Indent the JSON output'
complete -c nemo-auth -l compact -d 'One-line JSON output'
complete -c nemo-auth -l json -d 'The JSON context even on a terminal (no summary)'
complete -c nemo-auth -s q -l quiet -d 'No notes on stderr'
complete -c nemo-auth -s v -l verbose -d 'Log requests to stderr'
complete -c nemo-auth -l error-format -x -a 'text json' -d 'Error format'
complete -c nemo-auth -s O -l context-out -r -F -d 'Write the context to a file, atomically'
complete -c nemo-auth -s h -l help -d 'Show help'
complete -c nemo-auth -l version -d 'Show version'
