#!/usr/bin/env bash
# ./build.sh test   — installs what the suite needs (when missing), builds, runs every test project,
#                     and ends with one line: "Tests: N passed, M failed" (exit 1 when M > 0).
# ./build.sh build  — builds the whole solution.
# ./build.sh deps   — only installs the test dependencies.
# ./build.sh bench smtp [--duration S] [--connections N] [--rate R] [--target caducee|postfix|both]
#                   — the SMTP benchmark (issue 5 point 8): Caducée's MX against a private Postfix, Release builds.
# ./build.sh bench imap [--only select,fetch,idle,mbsync] [--select-messages N] [--messages N] [--idle N] [--iterations N]
#                   — the IMAP benchmarks (issue 6 point 6): SELECT, FETCH, 5,000 IDLE, mbsync against a private Dovecot.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

apt_install() {
  # Idempotent and quiet: installs only the Debian packages that are missing.
  local missing=()
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "build.sh: please install: ${missing[*]} (apt-get needs root)" >&2
    return 1
  fi
  echo "build.sh: installing ${missing[*]}…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

deps() {
  # python3: real-client interop tests (smtplib, imaplib); procps: kill for clean-stop tests.
  command -v python3 >/dev/null 2>&1 || apt_install python3
  command -v kill >/dev/null 2>&1 || apt_install procps
  # swaks (+ Net::SSLeay for its STARTTLS) and curl: real SMTP clients for every SASL mechanism (issue 5 point 7).
  apt_install swaks libnet-ssleay-perl curl
  # clamav-daemon: the antivirus hook is tested against a real clamd (no freshclam: the tests write their own
  # signature database); openssl: s_client proves TLS 1.1 and weak suites are refused (REQ-10).
  apt_install clamav-daemon openssl
  # dnsmasq-base: a real DNS server (no service started) for the MX routing tests of the queue (issue 5 point 5).
  apt_install dnsmasq-base
  # isync (mbsync), offlineimap, mutt: real IMAP clients of the IMAP client suite (issue 6 point 4; curl is above).
  apt_install isync offlineimap mutt
  # dovecot-imapd: the private Dovecot the IMAP benchmark compares mbsync syncs with (issue 6 point 6; no service used).
  apt_install dovecot-imapd
  # postfix: another operator's MTA in the interop tests and the SMTP benchmark (issue 5 points 7, 8); the tests run
  # private instances, so the package is installed unconfigured and no system MTA is started.
  if ! dpkg -s postfix >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  fi
  apt_install postfix
  # postgresql: the storage tests start a private PostgreSQL server (initdb + pg_ctl on a free port, issue 4 point 3);
  # util-linux (runuser, setsid) runs it as the postgres user when the tests run as root.
  apt_install postgresql util-linux
  command -v dotnet >/dev/null 2>&1 || { echo "build.sh: the .NET 10 SDK is required" >&2; exit 1; }
}

build() {
  dotnet build Caducee.slnx -c Debug -nologo -v quiet -clp:ErrorsOnly
}

run_tests() {
  local results=artifacts/test-results
  rm -rf "$results" && mkdir -p "$results"
  if ! build; then
    echo "build.sh: the build failed" >&2
    echo "Tests: 0 passed, 1 failed"
    exit 1
  fi
  local projects
  projects=$(find tests -mindepth 2 -maxdepth 2 -name '*.Tests.csproj' | sort)
  for project in $projects; do
    local name
    name=$(basename "$project" .csproj)
    echo "build.sh: running $name" >&2
    # A failing project must not stop the others; the summary below counts everything.
    dotnet test "$project" -c Debug --no-build --nologo -v quiet \
      --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=minimal" \
      --results-directory "$results" || true
  done
  python3 tools/test-summary.py "$results" $projects
}

bench() {
  local which="${1:-}"
  shift || true
  case "$which" in
    smtp)
      dotnet build src/Caducee.Host/Caducee.Host.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
      dotnet build bench/Caducee.Smtp.Benchmarks/Caducee.Smtp.Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
      dotnet artifacts/bin/Caducee.Smtp.Benchmarks/release/Caducee.Smtp.Benchmarks.dll "$@"
      ;;
    imap)
      dotnet build src/Caducee.Host/Caducee.Host.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
      dotnet build bench/Caducee.Imap.Benchmarks/Caducee.Imap.Benchmarks.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
      # 5,000 connections: both the load generator and the node it starts need the descriptors.
      ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
      dotnet artifacts/bin/Caducee.Imap.Benchmarks/release/Caducee.Imap.Benchmarks.dll "$@"
      ;;
    *) echo "usage: ./build.sh bench smtp|imap [options]" >&2; exit 2 ;;
  esac
}

case "${1:-test}" in
  deps) deps ;;
  bench) shift; deps; bench "$@" ;;
  build) deps; build ;;
  test) deps; run_tests ;;
  *) echo "usage: ./build.sh [test|build|deps|bench smtp|imap]" >&2; exit 2 ;;
esac
