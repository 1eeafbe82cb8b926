# OpenBao dev server for scripts/run and scripts/cluster: sourced after common.sh, never run on its own.

# start_dev_openbao DATA_DIR [CONSUMER_PATH CONSUMER]: starts an OpenBao dev server on a free loopback port with
# keybridge's least-privilege policy and a consumer policy for CONSUMER_PATH (default crm-sync/api-key, consumer
# crm-sync); exports VAULT_ADDR, VAULT_TOKEN (keybridge's) and BAO, appends the server's pid to the caller's pids
# array, and leaves the consumer's token in DATA_DIR/CONSUMER-vault-token, the root token in DATA_DIR/openbao-root-token.
# The one start of a dev server for scripts/run, scripts/cluster and scripts/bench; configure_openbao below is also
# what the integration tests run on the servers they start.
start_dev_openbao() {
  local data_dir="$1" consumer_path="${2:-crm-sync/api-key}" consumer="${3:-crm-sync}" vault_port root_token consumer_token
  ensure_venv
  BAO="$KEYBRIDGE_VENV/bin/bao"
  vault_port="$(free_port)"
  root_token="root-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
  log "starting OpenBao dev server on 127.0.0.1:$vault_port (log: $data_dir/openbao.log)"
  "$BAO" server -dev -dev-listen-address="127.0.0.1:$vault_port" -dev-root-token-id="$root_token" \
    >"$data_dir/openbao.log" 2>&1 &
  pids+=($!)
  export VAULT_ADDR="http://127.0.0.1:$vault_port"
  for _ in $(seq 1 100); do
    VAULT_TOKEN="$root_token" "$BAO" status >/dev/null 2>&1 && break
    sleep 0.1
  done
  VAULT_TOKEN="$root_token" "$BAO" status >/dev/null 2>&1 || die "OpenBao did not start; see $data_dir/openbao.log"
  configure_openbao "$root_token" "$data_dir" "$consumer_path" "$consumer"
  log "OpenBao is a dev server: its secrets live in memory and are lost when this script stops."
}

# configure_openbao ROOT_TOKEN DATA_DIR [CONSUMER_PATH CONSUMER [POLICY...]]: what keybridge needs of a running
# OpenBao at VAULT_ADDR, whoever started it (the scripts here, and the integration tests' support/OpenBao.java):
# keybridge's least-privilege policy (policies/vault/keybridge.hcl), a consumer policy for CONSUMER_PATH (default
# crm-sync/api-key, consumer crm-sync), a token for keybridge with its policy and any POLICY given (the tests add one
# that denies chosen paths), exported as VAULT_TOKEN and left in DATA_DIR/keybridge-vault-token, the consumer's token
# in DATA_DIR/CONSUMER-vault-token, the root token in DATA_DIR/openbao-root-token and the address in
# DATA_DIR/openbao-addr (all mode 0600).
configure_openbao() {
  local root_token="$1" data_dir="$2" consumer_path="${3:-crm-sync/api-key}" consumer="${4:-crm-sync}"
  local consumer_token policy policies=(-policy=keybridge)
  shift $(( $# < 4 ? $# : 4 ))
  for policy in "$@"; do policies+=("-policy=$policy"); done
  VAULT_TOKEN="$root_token" "$BAO" policy write keybridge "$KEYBRIDGE_HOME/policies/vault/keybridge.hcl" >/dev/null
  sed "s|{{path}}|$consumer_path|g" "$KEYBRIDGE_HOME/policies/vault/consumer.hcl.tmpl" \
    | VAULT_TOKEN="$root_token" "$BAO" policy write "$consumer" - >/dev/null
  export VAULT_TOKEN="$(VAULT_TOKEN="$root_token" "$BAO" token create "${policies[@]}" -period=24h -field=token)"
  consumer_token="$(VAULT_TOKEN="$root_token" "$BAO" token create -policy="$consumer" -period=24h -field=token)"
  (umask 077 && printf '%s\n' "$VAULT_TOKEN" > "$data_dir/keybridge-vault-token")
  (umask 077 && printf '%s\n' "$consumer_token" > "$data_dir/$consumer-vault-token")
  (umask 077 && printf '%s\n' "$root_token" > "$data_dir/openbao-root-token")
  printf '%s\n' "$VAULT_ADDR" > "$data_dir/openbao-addr"
}

# start_persistent_openbao DATA_DIR: OpenBao with file storage under DATA_DIR/openbao, so the consumers' secrets
# outlive a restart as keybridge's database does. The first start initialises it (one unseal key) and keeps the unseal
# key and root token in DATA_DIR/openbao-init.json (mode 0600); every start unseals it. Then as start_dev_openbao: a
# free loopback port, keybridge's least-privilege policy, the crm-sync consumer policy, VAULT_ADDR, VAULT_TOKEN, BAO.
start_persistent_openbao() {
  local data_dir="$1" vault_port cluster_port root_token consumer_token unseal_key rc server attempt
  local init="$1/openbao-init.json"
  ensure_venv
  BAO="$KEYBRIDGE_VENV/bin/bao"
  vault_port="$(free_port)"
  mkdir -p "$data_dir/openbao/storage"
  chmod 700 "$data_dir/openbao"
  cluster_port="$(free_port)"
  # integrated (raft) storage: OpenBao's own, one node
  cat >"$data_dir/openbao/config.hcl" <<HCL
storage "raft" {
  path    = "$data_dir/openbao/storage"
  node_id = "keybridge-local"
}
listener "tcp" {
  address         = "127.0.0.1:$vault_port"
  cluster_address = "127.0.0.1:$cluster_port"
  tls_disable     = true
}
api_addr     = "http://127.0.0.1:$vault_port"
cluster_addr = "http://127.0.0.1:$cluster_port"
HCL
  log "starting OpenBao on 127.0.0.1:$vault_port with its data in $data_dir/openbao (log: $data_dir/openbao.log)"
  export VAULT_ADDR="http://127.0.0.1:$vault_port"
  rc=1
  for attempt in 1 2 3 4 5; do
    "$BAO" server -config="$data_dir/openbao/config.hcl" >>"$data_dir/openbao.log" 2>&1 &
    server=$!
    for _ in $(seq 1 300); do
      # status exits 2 while sealed (up, not yet unsealed), 1 while it cannot be reached
      rc=0; "$BAO" status >/dev/null 2>&1 || rc=$?
      [ "$rc" -ne 1 ] && break
      kill -0 "$server" 2>/dev/null || break
      sleep 0.1
    done
    [ "$rc" -ne 1 ] && break
    # it stopped at once: most often an OpenBao still stopping holds the storage; give it a moment
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    log "OpenBao did not come up (attempt $attempt); trying again"
    sleep 2
  done
  pids+=($server)
  [ "$rc" -ne 1 ] || die "OpenBao did not start; see $data_dir/openbao.log"
  if [ ! -s "$init" ]; then
    log "initialising OpenBao (first start): unseal key and root token go to $init (mode 0600)"
    (umask 077 && "$BAO" operator init -key-shares=1 -key-threshold=1 -format=json >"$init") \
      || die "could not initialise OpenBao; see $data_dir/openbao.log"
  fi
  chmod 600 "$init"
  unseal_key="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["unseal_keys_b64"][0])' "$init")"
  root_token="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["root_token"])' "$init")"
  "$BAO" operator unseal "$unseal_key" >/dev/null || die "could not unseal OpenBao; see $data_dir/openbao.log"
  # raft elects its one node leader; on a busy machine that can take a while. The mounts are read once they answer,
  # so that a slow answer is never taken for "no secret/ mount yet" (which then failed with "path is already in use")
  local mounts=""
  for _ in $(seq 1 600); do
    mounts="$(VAULT_TOKEN="$root_token" "$BAO" secrets list -format=json 2>/dev/null)" && break
    mounts=""
    sleep 0.1
  done
  [ -n "$mounts" ] || die "OpenBao was unsealed but did not answer within 60 s; see $data_dir/openbao.log"
  if ! grep -q '"secret/"' <<<"$mounts"; then
    VAULT_TOKEN="$root_token" "$BAO" secrets enable -path=secret kv-v2 >/dev/null
  fi
  configure_openbao "$root_token" "$data_dir"
}

# use_vault_or_dev_openbao DATA_DIR [persistent]: the Vault in VAULT_ADDR / VAULT_TOKEN if set, else a local OpenBao:
# with file storage under DATA_DIR when the second argument is "persistent" (scripts/run), else a dev server in memory.
use_vault_or_dev_openbao() {
  if [ -z "${VAULT_ADDR:-}" ] && [ "${2:-}" = "persistent" ]; then
    start_persistent_openbao "$1"
  elif [ -z "${VAULT_ADDR:-}" ]; then
    start_dev_openbao "$1"
  else
    [ -n "${VAULT_TOKEN:-}" ] || die "VAULT_ADDR is set but VAULT_TOKEN is not; give keybridge a token with policies/vault/keybridge.hcl"
    BAO="${BAO:-bao}"
    log "using Vault at $VAULT_ADDR"
  fi
}

# jar_is_stale: true when target/keybridge.jar is missing or older than what goes into it (src/main, the POM and the
# rotation policies and routes it ships;
# test sources and src/test/e2e/node_modules do not make it stale). -H: in a checkout of symbolic links (the README
# walkthrough test's) the files' own times count, not the links': a link is always newer than the jar, and the
# rebuild it caused rewrote the jar and the classes under the tests running from them.
jar_is_stale() {
  [ ! -f target/keybridge.jar ] || [ -n "$(find -H src/main pom.xml policies/rotation policies/routes -newer target/keybridge.jar -print -quit)" ]
}

# build_jar: target/keybridge.jar, rebuilt when it is stale.
build_jar() {
  if jar_is_stale; then
    log "building target/keybridge.jar"
    ./mvnw -q -B -DskipTests -Dspotless.check.skip=true package
  fi
}
