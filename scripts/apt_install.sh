#!/bin/sh
# Install Debian packages; when another install holds apt's locks, wait for it (up to
# APT_LOCK_WAIT seconds, default 600) instead of failing at once.
# apt-get install waits for the dpkg lock itself (DPkg::Lock::Timeout), but apt-get update
# does not wait for the package-list lock (apt 2.6), so the update is retried while it is held.
set -eu
wait_seconds=${APT_LOCK_WAIT:-600}
deadline=$(( $(date +%s) + wait_seconds ))
told=""
while ! out=$(LC_ALL=C apt-get -o DPkg::Lock::Timeout="$wait_seconds" update -qq 2>&1); do
    case "$out" in
        *"Could not get lock"*) ;;
        *) echo "$out" >&2; exit 1 ;;
    esac
    if [ "$(date +%s)" -ge "$deadline" ]; then echo "$out" >&2; exit 1; fi
    [ -n "$told" ] || { echo "another package install is running: waiting for it"; told=yes; }
    sleep 3
done
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$wait_seconds" install -y -qq "$@" >/dev/null
