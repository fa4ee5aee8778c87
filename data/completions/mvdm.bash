# bash completion for mvdm(1) and mvdmd(8).
_mvdm_vms()
{
	# The server's VMs, by name and id (nothing if no server listens).
	mvdm ps --json 2>/dev/null | tr ',{}' '\n\n\n' | sed -n 's/^"\(id\|name\)":"\{0,1\}\([^"]*\)"\{0,1\}$/\2/p'
}

_mvdm()
{
	local cur prev cmd
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="run shell settings disasm start ps status wait kill pause resume rm screen keys output attach shutdown help version"
	local vmopts="-d -e --cpu --mem --dos-version --set --profile --help"
	if [ "$COMP_CWORD" -eq 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
		return
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	-d) compopt -o nospace; COMPREPLY=($(compgen -W "A= B= C= D= E= F= G= H=" -- "$cur")); return ;;
	--cpu) COMPREPLY=($(compgen -W "8086 8088 80186 80286 80386" -- "$cur")); return ;;
	--dos-version) COMPREPLY=($(compgen -W "2.0 3.3 4.0 5.0 6.22 7.0" -- "$cur")); return ;;
	--profile)
		local dir=${XDG_CONFIG_HOME:-$HOME/.config}/mvdm/profiles
		COMPREPLY=($(compgen -W "$(ls "$dir" 2>/dev/null | sed -n 's/\.profile$//p')" -- "$cur") $(compgen -f -- "$cur"))
		return ;;
	--set)
		compopt -o nospace
		COMPREPLY=($(compgen -W "$(mvdm settings Z:\\COMMAND.COM 2>/dev/null | awk 'NR > 1 {print $1 "="}')" -- "$cur"))
		return ;;
	--socket | --mem | --timeout | --mips | --name | -e) return ;;
	esac
	case $cmd in
	run | settings | disasm | start)
		case $cur in
		-*) COMPREPLY=($(compgen -W "$vmopts --timeout --utf8 --files --mips --exclusive --name --paused --socket" -- "$cur")) ;;
		*) COMPREPLY=($(compgen -f -- "$cur")) ;;
		esac ;;
	shell) COMPREPLY=($(compgen -W "$vmopts --timeout --utf8" -- "$cur")) ;;
	ps) COMPREPLY=($(compgen -W "--json --socket --help" -- "$cur")) ;;
	status | wait | kill | pause | resume | rm | screen | keys | output | attach)
		case $cur in
		-*) COMPREPLY=($(compgen -W "--socket --timeout --follow --help" -- "$cur")) ;;
		*) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$(_mvdm_vms)" -- "$cur")) ;;
		esac ;;
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")) ;;
	shutdown) COMPREPLY=($(compgen -W "--socket --help" -- "$cur")) ;;
	esac
}
complete -F _mvdm mvdm

_mvdmd()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	COMPREPLY=($(compgen -W "--socket --workers --max-vms --foreground --help --version" -- "$cur"))
}
complete -F _mvdmd mvdmd
