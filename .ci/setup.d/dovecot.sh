#!/usr/bin/env bash
# Debian's Dovecot IMAP server, for the single window's IMAP ingestion tests (the tests start
# their own throwaway instance on a loopback port; the system service is not needed).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
if command -v dovecot >/dev/null 2>&1 && [ -x /usr/sbin/dovecot ] && dpkg -s dovecot-imapd >/dev/null 2>&1; then
    echo "dovecot-imapd already installed: $(dovecot --version)"
    exit 0
fi
apt-get update -q
# policy-rc.d may forbid starting the service in containers: that is fine, the tests start
# their own instance.
apt-get install -y -q --no-install-recommends dovecot-imapd </dev/null
dovecot --version
