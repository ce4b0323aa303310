# fish completion for nemo-upload
# Long flags (as --help prints them): --api --compact --context-out --depfile --error-format --help --jobs --json --max-size --pretty --progress --quiet --session --url --verbose --version
function __nemo_upload_media
    set -l token (commandline -ct)
    for f in $token*
        if test -d $f
            echo $f/
        else if string match -qir '\.(mp4|mov|avi|webm|mkv|jpe?g|png|gif|webp|mp3|wav|m4a|aac)$' -- $f
            echo $f
        end
    end
end
complete -c nemo-upload -f
complete -c nemo-upload -a '(__nemo_upload_media)'
complete -c nemo-upload -l session -x -d 'Session id'
complete -c nemo-upload -l url -x -d 'Register these http(s) URLs instead of files'
complete -c nemo-upload -s j -l jobs -x -a '2 3 4 8' -d 'One request per file, this many at once'
complete -c nemo-upload -l max-size -x -a '200MB 500MiB 1GiB 2GiB' -d 'Refuse files larger than this'
complete -c nemo-upload -l progress -d 'Show the progress bar even off a terminal'
complete -c nemo-upload -l api -x -d 'API base URL'
complete -c nemo-upload -l pretty -d 'Indent the JSON output'
complete -c nemo-upload -l compact -d 'One-line JSON output'
complete -c nemo-upload -l json -d 'The JSON context even on a terminal (no summary)'
complete -c nemo-upload -s q -l quiet -d 'No progress or notes on stderr'
complete -c nemo-upload -s v -l verbose -d 'Log requests to stderr'
complete -c nemo-upload -l error-format -x -a 'text json' -d 'Error format'
complete -c nemo-upload -s O -l context-out -r -F -d 'Write the context to a file, atomically'
complete -c nemo-upload -s M -l depfile -r -F -d 'Write a make depfile of the local inputs'
complete -c nemo-upload -s h -l help -d 'Show help'
complete -c nemo-upload -l version -d 'Show version'
