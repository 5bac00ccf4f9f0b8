# shellcheck shell=bash
# Apicurio Registry 3 (a Quarkus app) from Maven Central, storing in the
# stack's PostgreSQL database `apicurio`. Serves the Confluent-compatible API
# at /apis/ccompat/v7 with a global FULL_TRANSITIVE compatibility rule, and
# allows deleting subjects/versions (tests clean up after themselves).

REGISTRY_VERSION="${REGISTRY_VERSION:-3.0.9}"
REGISTRY_DIST="$THALWEG_CACHE/apicurio-registry-$REGISTRY_VERSION"
REGISTRY_HEAP="${REGISTRY_HEAP:--Xmx768m}"

registry_requires() { echo postgres; }
registry_port()  { port 8085; }
registry_ports() { registry_port; }
registry_match() { echo "-Dthalweg.instance=registry@$THALWEG_HOME"; }
registry_ready_timeout() { echo 120; }
registry_url()   { echo "http://127.0.0.1:$(registry_port)"; }
registry_ccompat_url() { echo "$(registry_url)/apis/ccompat/v7"; }

registry_install() {
  need_java 17
  have curl || apt_install curl
  local stamp="$REGISTRY_DIST/.complete" artifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all"
  [ -f "$stamp" ] && return 0
  need_mvn
  local dl="$THALWEG_CACHE/downloads"
  local tgz="$dl/apicurio-registry-app-$REGISTRY_VERSION-all.tar.gz"
  mkdir -p "$dl"
  if [ ! -s "$tgz" ]; then
    log "fetching $artifact from Maven Central"
    mvn -B -q dependency:copy -Dartifact="$artifact" -DoutputDirectory="$dl" \
        >"$dl/apicurio-mvn.log" 2>&1 \
      || { tail -n 30 "$dl/apicurio-mvn.log" >&2; die "maven could not fetch $artifact"; }
  fi
  log "unpacking Apicurio Registry $REGISTRY_VERSION into $REGISTRY_DIST"
  rm -rf "$REGISTRY_DIST"
  mkdir -p "$REGISTRY_DIST"
  tar -xzf "$tgz" -C "$REGISTRY_DIST"
  [ -f "$REGISTRY_DIST/apicurio-registry-app-$REGISTRY_VERSION-runner.jar" ] \
    || die "runner jar missing from $tgz"
  date -Is >"$stamp"
}

registry_start() {
  local tmp="$DATA_DIR/registry/tmp"
  mkdir -p "$tmp"
  # shellcheck disable=SC2086
  spawn registry "$THALWEG_JAVA" $REGISTRY_HEAP -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Dthalweg.instance="registry@$THALWEG_HOME" \
    -Djava.io.tmpdir="$tmp" \
    -Dquarkus.http.host=127.0.0.1 \
    -Dquarkus.http.port="$(registry_port)" \
    -Dquarkus.http.access-log.enabled=false \
    -Dapicurio.storage.kind=sql \
    -Dapicurio.storage.sql.kind=postgresql \
    -Dapicurio.datasource.url="jdbc:postgresql://127.0.0.1:$(postgres_port)/apicurio" \
    -Dapicurio.datasource.username="$PG_ROLE" \
    -Dapicurio.datasource.password="$PG_PASSWORD" \
    -Dapicurio.datasource.jdbc.initial-size=2 \
    -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=20 \
    -Dapicurio.rest.deletion.group.enabled=true \
    -Dapicurio.rest.deletion.artifact.enabled=true \
    -Dapicurio.rest.deletion.artifact-version.enabled=true \
    -jar "$REGISTRY_DIST/apicurio-registry-app-$REGISTRY_VERSION-runner.jar"
}

registry_ready() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$(registry_ccompat_url)/subjects" 2>/dev/null)" = 200 ]
}

# _registry_call <method> <path> [json-body]: ccompat request; prints the body,
# fails unless the status is 2xx.
_registry_call() {
  local method="$1" path="$2" body="${3:-}" out code
  local args=(-s -X "$method" --max-time 10 -w '\n%{http_code}'
              -H 'Accept: application/vnd.schemaregistry.v1+json, application/json')
  [ -n "$body" ] && args+=(-H 'Content-Type: application/vnd.schemaregistry.v1+json' --data "$body")
  out="$(curl "${args[@]}" "$(registry_ccompat_url)$path")" || return 1
  code="${out##*$'\n'}"
  printf '%s\n' "${out%$'\n'*}"
  case "$code" in 2??) return 0 ;; *) log "$method $path -> HTTP $code: ${out%$'\n'*}"; return 1 ;; esac
}

# Global compatibility rule, then a round trip through the Confluent API:
# register an Avro schema, read it back by id, delete the subject.
registry_setup() {
  local cfg subject id got
  _registry_call PUT /config '{"compatibility":"FULL_TRANSITIVE"}' >/dev/null || return 1
  cfg="$(_registry_call GET /config)" || return 1
  [[ "$cfg" == *FULL_TRANSITIVE* ]] || { log "unexpected global config: $cfg"; return 1; }

  subject="thalweg-smoke-$$-$RANDOM"
  id="$(_registry_call POST "/subjects/$subject/versions" \
        '{"schema":"{\"type\":\"record\",\"name\":\"Smoke\",\"namespace\":\"thalweg.native\",\"fields\":[{\"name\":\"ok\",\"type\":\"boolean\"}]}"}' \
        | sed -n 's/.*"id" *: *\([0-9][0-9]*\).*/\1/p')"
  [ -n "$id" ] || { log "registering a schema returned no id"; return 1; }
  got="$(_registry_call GET "/schemas/ids/$id")" || return 1
  [[ "$got" == *Smoke* ]] || { log "schema $id read back as: $got"; return 1; }
  _registry_call DELETE "/subjects/$subject" >/dev/null || return 1
  _registry_call DELETE "/subjects/$subject?permanent=true" >/dev/null || return 1
  log "registry: global compatibility FULL_TRANSITIVE; ccompat round trip ok (schema id $id)"
}

registry_endpoints() {
  printf '  %-12s %s  (Confluent API: %s)\n' registry "$(registry_url)" "$(registry_ccompat_url)"
}

registry_env() {
  echo "THALWEG_REGISTRY_URL=$(registry_ccompat_url)"
  echo "SCHEMA_REGISTRY_URL=$(registry_ccompat_url)"
  echo "APICURIO_URL=$(registry_url)"
}
