# bash completion for iodrill (installed to share/bash-completion/completions/iodrill).
# Commands and options are read from iodrill's own help at completion time, so they
# cannot drift from the program: `iodrill --help` lists the commands, `iodrill help CMD`
# its options, `iodrill version` the engines.

_iodrill_commands()
{
	"$1" --help 2>/dev/null | sed -n '/^commands:/,$ s/^  \([a-z][a-z-]*\) .*/\1/p'
}

_iodrill_engines()
{
	"$1" version 2>/dev/null | sed -n 's/^engines //p'
}

_iodrill_options()
{
	# its own options: at a line's start, or after '[', '|' or ';' (not fio's quoted in prose)
	"$1" help "$2" 2>/dev/null | grep -oE '(^ *|[[|;] *)--[a-z][a-z-]*' |
		grep -oE -- '--[a-z-]+' | sort -u
}

_iodrill()
{
	local cur prev cmd i words_before
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	cmd=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	if [ -z "$cmd" ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_iodrill_commands "${COMP_WORDS[0]}") --help" -- "$cur")
		return
	fi
	case $prev in
	--engine | --engines)
		mapfile -t COMPREPLY < <(compgen -W "$(_iodrill_engines "${COMP_WORDS[0]}")" -- "$cur")
		return ;;
	--results | --keep | -o | --png | --sidecar | --hosts | --write-profile)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	case $cmd in
	help)
		mapfile -t COMPREPLY < <(compgen -W "$(_iodrill_commands "${COMP_WORDS[0]}")" -- "$cur")
		return ;;
	results)
		words_before=$((COMP_CWORD - i))
		if [ "$words_before" = 1 ] && [[ $cur != -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "list show compare plot add" -- "$cur")
			return
		fi ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_iodrill_options "${COMP_WORDS[0]}" "$cmd")" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	fi
}
complete -F _iodrill iodrill
