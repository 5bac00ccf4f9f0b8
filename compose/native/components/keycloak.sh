# shellcheck shell=bash
# Keycloak 26 (the Quarkus distribution, org.keycloak:keycloak-quarkus-dist)
# from Maven Central, in development mode: `kc.sh start-dev --import-realm`,
# HTTP only on 127.0.0.1, an H2 file database under $DATA_DIR/keycloak. It
# imports the realm kept as code in compose/config/keycloak/realm-import/
# (realm `thalweg`), the same directory the compose file mounts.
#
# Dev only: the bootstrap admin is admin/admin and the realm's client secrets
# are dev secrets. Production runs `kc.sh start` with a real database, TLS,
# `sslRequired: external` and secrets from a secret store.
#
# Ports: HTTP 8080, management (health) 9000, both shifted by
# THALWEG_PORT_OFFSET. Keycloak 26 needs Java 21+: the newest JDK 21+ under
# /usr/lib/jvm is used (or KEYCLOAK_JAVA_HOME), never THALWEG_JAVA.
#
# `--import-realm` skips a realm that already exists, so a changed realm file
# would be ignored: when the files' hash differs from the one last imported,
# the dev database is wiped before the start and everything is imported again.
# A change while Keycloak runs needs `stack.sh down keycloak && stack.sh up keycloak`.

# Tried in order when none is installed yet; KEYCLOAK_VERSION pins one.
KEYCLOAK_VERSIONS="${KEYCLOAK_VERSION:-26.5.6 26.5.5 26.7.3 26.4.0}"
KEYCLOAK_HEAP="${KEYCLOAK_HEAP:--Xms64m -Xmx768m}"
KEYCLOAK_REALM=thalweg
KEYCLOAK_REALM_SRC="${KEYCLOAK_REALM_DIR:-$REPO_ROOT/compose/config/keycloak/realm-import}"
# A per-home Keycloak home: kc.sh copied, the distribution linked, data/ real.
KEYCLOAK_HOME_DIR="$DATA_DIR/keycloak"
KEYCLOAK_DIST=""        # set by keycloak_install
KEYCLOAK_JAVA_HOME_FOUND=""

keycloak_port()      { port 8080; }
keycloak_mgmt_port() { port 9000; }
keycloak_ports()     { echo "$(keycloak_port) $(keycloak_mgmt_port)"; }
keycloak_match()     { echo "-Dthalweg.instance=keycloak@$THALWEG_HOME"; }
# Cold start on two cores: re-augmentation for dev mode, then the realm import.
keycloak_ready_timeout() { echo 300; }
keycloak_url()       { echo "http://127.0.0.1:$(keycloak_port)"; }
keycloak_issuer()    { echo "$(keycloak_url)/realms/$KEYCLOAK_REALM"; }

# _keycloak_java_major <java-home>: the major version, from its release file.
_keycloak_java_major() {
  local v=""
  if [ -f "$1/release" ]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  fi
  if [ -z "$v" ] && [ -x "$1/bin/java" ]; then
    v="$("$1/bin/java" -XshowSettings:properties -version 2>&1 \
         | awk -F' = ' '/java.specification.version/ {print $2}')"
  fi
  echo "${v%%.*}"
}

# _keycloak_find_java: KEYCLOAK_JAVA_HOME, else the newest JDK 21+ under /usr/lib/jvm.
_keycloak_find_java() {
  [ -n "$KEYCLOAK_JAVA_HOME_FOUND" ] && return 0
  if [ -n "${KEYCLOAK_JAVA_HOME:-}" ]; then
    [ -x "$KEYCLOAK_JAVA_HOME/bin/java" ] || die "KEYCLOAK_JAVA_HOME=$KEYCLOAK_JAVA_HOME has no bin/java"
    [ "$(_keycloak_java_major "$KEYCLOAK_JAVA_HOME")" -ge 21 ] 2>/dev/null \
      || die "KEYCLOAK_JAVA_HOME=$KEYCLOAK_JAVA_HOME is not Java 21+ (Keycloak 26 needs 21+)"
    KEYCLOAK_JAVA_HOME_FOUND="$KEYCLOAK_JAVA_HOME"
    return 0
  fi
  local d major best="" best_major=0
  for d in /usr/lib/jvm/*/; do
    d="${d%/}"
    [ -L "$d" ] && continue            # aliases such as java-1.17.0-openjdk-amd64
    [ -x "$d/bin/java" ] || continue
    major="$(_keycloak_java_major "$d")"
    [ -n "$major" ] && [ "$major" -ge 21 ] 2>/dev/null || continue
    if [ "$major" -gt "$best_major" ]; then best="$d"; best_major="$major"; fi
  done
  [ -n "$best" ] || die "Keycloak 26 needs Java 21 or newer and none was found under /usr/lib/jvm. Install a JDK 21+ there (e.g. temurin-21-jdk or openjdk-21-jre-headless from a repository that has it), or set KEYCLOAK_JAVA_HOME."
  KEYCLOAK_JAVA_HOME_FOUND="$best"
}

keycloak_preflight() {
  _keycloak_find_java
  [ -n "$(_keycloak_realm_files)" ] || die "no realm file in $KEYCLOAK_REALM_SRC"
  if pid_alive "$(read_pid keycloak)" "$(keycloak_match keycloak)" \
     && [ "$(cat "$KEYCLOAK_HOME_DIR/realm.sha" 2>/dev/null)" != "$(_keycloak_realm_sha)" ]; then
    warn "the realm files changed since Keycloak started; run 'stack.sh down keycloak && stack.sh up keycloak' to import them"
  fi
}

_keycloak_realm_files() { find "$KEYCLOAK_REALM_SRC" -maxdepth 1 -name '*.json' | sort; }
_keycloak_realm_sha() {
  local files; files="$(_keycloak_realm_files)"
  # shellcheck disable=SC2086
  [ -n "$files" ] && file_sha $files
}

# _keycloak_fetch <version>: Maven Central zip into the cache, unpacked once.
_keycloak_fetch() {
  local v="$1" dl="$THALWEG_CACHE/downloads" dist="$THALWEG_CACHE/keycloak-$1"
  local zip="$dl/keycloak-quarkus-dist-$v.zip" artifact="org.keycloak:keycloak-quarkus-dist:$v:zip"
  mkdir -p "$dl"
  if [ ! -s "$zip" ]; then
    need_mvn
    log "fetching $artifact from Maven Central"
    if ! mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$dl" \
         >"$dl/keycloak-mvn.log" 2>&1; then
      tail -n 5 "$dl/keycloak-mvn.log" >&2
      rm -f "$zip"
      return 1
    fi
  fi
  have unzip || apt_install unzip
  log "unpacking Keycloak $v into $dist"
  rm -rf "$dist" "$dist.tmp"
  mkdir -p "$dist.tmp"
  unzip -q "$zip" -d "$dist.tmp" || { rm -rf "$dist.tmp"; return 1; }
  [ -x "$dist.tmp/keycloak-$v/bin/kc.sh" ] || { log "kc.sh missing from $zip"; rm -rf "$dist.tmp"; return 1; }
  mv "$dist.tmp/keycloak-$v" "$dist"
  rmdir "$dist.tmp"
  date -Is >"$dist/.complete"
}

keycloak_install() {
  _keycloak_find_java
  have curl || apt_install curl
  local v
  # An installed candidate wins: no download, and the dev database stays on one version.
  for v in $KEYCLOAK_VERSIONS; do
    if [ -f "$THALWEG_CACHE/keycloak-$v/.complete" ]; then KEYCLOAK_DIST="$THALWEG_CACHE/keycloak-$v"; return 0; fi
  done
  for v in $KEYCLOAK_VERSIONS; do
    if _keycloak_fetch "$v"; then KEYCLOAK_DIST="$THALWEG_CACHE/keycloak-$v"; return 0; fi
    warn "Keycloak $v could not be fetched or unpacked"
  done
  die "no Keycloak version of '$KEYCLOAK_VERSIONS' could be installed (log: $THALWEG_CACHE/downloads/keycloak-mvn.log)"
}

# _keycloak_prepare_home: the per-home layout kc.sh derives everything from
# (kc.home.dir = the directory above its own bin/).
_keycloak_prepare_home() {
  local h="$KEYCLOAK_HOME_DIR" d
  mkdir -p "$h/bin" "$h/data"
  cp -f "$KEYCLOAK_DIST/bin/kc.sh" "$h/bin/kc.sh"
  for d in conf lib providers themes; do ln -sfn "$KEYCLOAK_DIST/$d" "$h/$d"; done

  local want have_sha
  want="$(_keycloak_realm_sha)"
  have_sha="$(cat "$h/realm.sha" 2>/dev/null || true)"
  if [ "$want" != "$have_sha" ]; then
    [ -n "$have_sha" ] && log "realm files changed: wiping the Keycloak dev database to import them again"
    rm -rf "$h/data/h2"
  fi
  rm -rf "$h/data/import"
  mkdir -p "$h/data/import" "$h/data/tmp"
  # shellcheck disable=SC2046
  cp -f $(_keycloak_realm_files) "$h/data/import/"
  echo "$want" >"$h/realm.sha"
}

keycloak_start() {
  _keycloak_prepare_home
  local h="$KEYCLOAK_HOME_DIR"
  # The bootstrap admin only exists for a fresh database; dev credentials.
  spawn keycloak env \
    JAVA_HOME="$KEYCLOAK_JAVA_HOME_FOUND" \
    JAVA_OPTS_KC_HEAP="$KEYCLOAK_HEAP" \
    KC_BOOTSTRAP_ADMIN_USERNAME=admin \
    KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
    "$h/bin/kc.sh" start-dev --import-realm \
      --http-host=127.0.0.1 \
      --http-port="$(keycloak_port)" \
      --http-management-port="$(keycloak_mgmt_port)" \
      --hostname="$(keycloak_url)" \
      --health-enabled=true \
      "$(keycloak_match keycloak)" \
      -Djava.io.tmpdir="$h/data/tmp"
}

keycloak_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
        "$(keycloak_issuer)/.well-known/openid-configuration" 2>/dev/null)" = 200 ]
}

# The issuer is pinned by --hostname, whatever address a client uses.
keycloak_setup() {
  local doc
  doc="$(curl -fsS --max-time 10 "$(keycloak_issuer)/.well-known/openid-configuration")" || return 1
  [[ "$doc" == *"\"issuer\":\"$(keycloak_issuer)\""* ]] \
    || { log "unexpected issuer in the discovery document: ${doc:0:200}"; return 1; }
  http_ok "http://127.0.0.1:$(keycloak_mgmt_port)/health/ready" \
    || { log "management health endpoint not ready on port $(keycloak_mgmt_port)"; return 1; }
  log "keycloak: realm $KEYCLOAK_REALM imported, issuer $(keycloak_issuer), Java $(_keycloak_java_major "$KEYCLOAK_JAVA_HOME_FOUND") ($KEYCLOAK_JAVA_HOME_FOUND)"
}

keycloak_endpoints() {
  printf '  %-12s %s  (realm %s, issuer %s; admin console admin/admin, dev only; health on :%s)\n' \
    keycloak "$(keycloak_url)" "$KEYCLOAK_REALM" "$(keycloak_issuer)" "$(keycloak_mgmt_port)"
}

keycloak_env() {
  echo "THALWEG_KEYCLOAK_URL=$(keycloak_url)"
  echo "KEYCLOAK_URL=$(keycloak_url)"
  echo "KEYCLOAK_ISSUER=$(keycloak_issuer)"
}

keycloak_tools() { echo kcadm; }

# stack.sh run kcadm get clients -r thalweg   (signs in as the dev admin on each call)
tool_kcadm() {
  _keycloak_find_java
  JAVA_HOME="$KEYCLOAK_JAVA_HOME_FOUND" "$KEYCLOAK_DIST/bin/kcadm.sh" "$@" --no-config \
    --server "$(keycloak_url)" --realm master --user admin --password admin
}
