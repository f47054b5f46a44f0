#!/usr/bin/env bash
# apt-ensure.sh WHAT PACKAGE...: installs the Debian packages that are missing
# (apt-get, needs root). WHAT names the purpose in the message. The
# install-*-deps.sh scripts only list their packages and call this.
set -euo pipefail
what=$1
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "msf: installing missing Debian packages${what:+ for $what}: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "msf: error: need root to run apt-get (or install: ${missing[*]})" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" > /dev/null
