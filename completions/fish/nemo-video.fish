# fish completion for nemo-video (the front door)
set -l cmds auth session upload send state export sandbox help
complete -c nemo-video -f
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a auth -d 'Token and credits'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a session -d 'Create a session'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a upload -d 'Upload files'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a send -d 'Send a message'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a state -d 'Read the session state'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a export -d 'Render and download'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a sandbox -d 'Local API server'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -a help -d 'List the commands'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -s h -l help -d 'List the commands'
complete -c nemo-video -n "not __fish_seen_subcommand_from $cmds" -l version -d 'Show version'
