# Shared set-up for scripts/demo, scripts/test and scripts/localwiki: sourced, not run.
# It installs what is missing and nothing else, so a second run costs a second or two.
#   - Debian packages for the local MediaWiki (apt-get update first, as on a fresh machine);
#   - a virtual environment in .venv with the package and its test extra.

NOTESBOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NOTESBOT_VENV=${NOTESBOT_VENV:-$NOTESBOT_ROOT/.venv}
NOTESBOT_DEBS="mediawiki php-cli php-sqlite3 php-intl php-mbstring php-xml"

notesbot_log() { printf '%s\n' "$*" >&2; }

notesbot_need_debs() {
    local missing=() p
    for p in $NOTESBOT_DEBS; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    notesbot_log "Installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

notesbot_need_venv() {
    local stamp="$NOTESBOT_VENV/.notesbot-installed"
    if [ ! -x "$NOTESBOT_VENV/bin/python" ]; then
        notesbot_log "Creating the virtual environment in $NOTESBOT_VENV"
        python3 -m venv "$NOTESBOT_VENV"
    fi
    # Reinstall only when pyproject.toml changed since the last install.
    if [ ! -f "$stamp" ] || [ "$NOTESBOT_ROOT/pyproject.toml" -nt "$stamp" ]; then
        notesbot_log "Installing notesbot and its dependencies into $NOTESBOT_VENV"
        "$NOTESBOT_VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$NOTESBOT_ROOT[test]"
        touch "$stamp"
    fi
    # The bot's own bytecode, written now: a shell with PYTHONDONTWRITEBYTECODE
    # set (this machine's has) would otherwise make every run of notesbot
    # compile its ~70 modules again (90 ms a run, a sixth of a publish here).
    # Quick when nothing changed (compileall compares each source's mtime).
    "$NOTESBOT_VENV/bin/python" -m compileall -q "$NOTESBOT_ROOT/bot" >/dev/null
}
