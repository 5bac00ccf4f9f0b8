# The gateway's question: may this request pass APISIX on to a Thalweg API?
#
# APISIX's opa plugin posts its own input to /v1/data/thalweg/gateway/decision:
#   {"type": "http", "request": {"method": "POST", "path": "/v1/wallets/…/credits",
#    "headers": {"authorization": "Bearer …", …}, "query": {…}, …}, "var": {…}}
# and reads back {"allow", "status_code", "headers", "reason"}: a denial answers with
# status_code, headers and reason as the body. data.thalweg.authz speaks another shape
# (docs/policies.md), so this package translates both ways and decides nothing itself.
#
# The token is decoded, not verified: openid-connect runs before opa in APISIX and has
# already checked its signature, issuer, audience and expiry, and a request without a
# valid token never reaches this policy. The gateway does not know which tenant owns a
# wallet or a command, so resource.tenant stays out of the input: here the caller's tenant
# and roles are checked; the services decide again, with the resource's tenant, and answer
# 404 across tenants.
package thalweg.gateway

import data.thalweg.authz

# The Thalweg endpoints behind the gateway, in the OpenAPI documents' path syntax. A
# `{parameter}` segment matches one non-empty segment: the resource's id. One endpoint per
# line: compose/apisix-config.test.ts reads this table and checks it against the OpenAPI
# documents and the gateway's routes.
endpoints := [
	{"method": "POST", "path": "/v1/wallets", "action": "wallets:open", "resource": "wallet"},
	{"method": "POST", "path": "/v1/wallets/{walletId}/credits", "action": "wallets:credit", "resource": "wallet"},
	{"method": "POST", "path": "/v1/wallets/{walletId}/debits", "action": "wallets:debit", "resource": "wallet"},
	{"method": "POST", "path": "/v1/wallets/{walletId}/transfers", "action": "wallets:transfer", "resource": "wallet"},
	{"method": "GET", "path": "/v1/wallets/{walletId}", "action": "wallets:read", "resource": "wallet"},
	{"method": "GET", "path": "/v1/wallets/{walletId}/entries", "action": "wallets:read", "resource": "wallet"},
	{"method": "GET", "path": "/v1/commands/{commandId}", "action": "commands:read", "resource": "command"},
	{"method": "POST", "path": "/v1/users", "action": "users:register", "resource": "user"},
	{"method": "GET", "path": "/v1/users/{userId}", "action": "users:read", "resource": "user"},
	{"method": "PATCH", "path": "/v1/users/{userId}/profile", "action": "users:update-profile", "resource": "user"},
	{"method": "POST", "path": "/v1/users/{userId}/kyc-decisions", "action": "users:decide-kyc", "resource": "user"},
	{"method": "GET", "path": "/v1/search/users", "action": "search:users", "resource": "users"},
	{"method": "GET", "path": "/v1/search/entries", "action": "search:entries", "resource": "entries"},
]

decision := denial(404, "THALWEG_NOT_FOUND", sprintf("no Thalweg endpoint serves %s %s", [input.request.method, input.request.path])) if {
	not endpoint
} else := {"allow": true} if {
	verdict.allow
} else := denial(403, "THALWEG_FORBIDDEN", verdict.reason)

verdict := d if {
	request := authz_input
	d := authz.decision with input as request
}

# ---------------------------------------------------------------------------
# The request, as data.thalweg.authz takes it
# ---------------------------------------------------------------------------
authz_input := object.union(caller, {"action": endpoint.action, "resource": resource})

request_segments := split(input.request.path, "/")

endpoint := e if {
	some e in endpoints
	e.method == input.request.method
	matches(split(e.path, "/"))
}

matches(template) if {
	count(template) == count(request_segments)
	every i, part in template {
		segment_matches(part, request_segments[i])
	}
}

segment_matches(part, segment) if {
	not is_parameter(part)
	part == segment
}

segment_matches(part, segment) if {
	is_parameter(part)
	segment != ""
}

is_parameter(part) if regex.match(`^\{[A-Za-z]+\}$`, part)

# Creations have no id yet; every other endpoint names its resource in its one parameter.
resource := {"type": endpoint.resource, "id": id} if {
	some i, part in split(endpoint.path, "/")
	is_parameter(part)
	id := request_segments[i]
} else := {"type": endpoint.resource}

# ---------------------------------------------------------------------------
# The caller, from the access token's claims (the realm's names: keycloak realm-import)
# ---------------------------------------------------------------------------
# Absent claims are left out, so that data.thalweg.authz names what is missing.
caller := {field: value |
	some field, path in claim_paths
	value := object.get(claims, path, null)
	value != null
}

claim_paths := {
	"subject": ["sub"],
	"tenant": ["tenant"],
	"roles": ["realm_access", "roles"],
	"client": ["azp"],
}

default claims := {}

claims := payload if {
	[_, payload, _] := io.jwt.decode(bearer_token)
}

# A header sent twice arrives as a list: no token, rather than a guess at which one was checked.
bearer_token := token if {
	is_string(input.request.headers.authorization)
	[scheme, token] := split(input.request.headers.authorization, " ")
	lower(scheme) == "bearer"
}

# ---------------------------------------------------------------------------
# A denial, as APISIX sends it: the reason is the body, RFC 9457 like the services' own
# ---------------------------------------------------------------------------
denial(status, code, detail) := {
	"allow": false,
	"status_code": status,
	"headers": {"Content-Type": "application/problem+json"},
	"reason": {
		"type": sprintf("https://thalweg.dev/problems/%s", [replace(lower(trim_prefix(code, "THALWEG_")), "_", "-")]),
		"title": titles[code],
		"status": status,
		"detail": detail,
		"code": code,
	},
}

titles := {
	"THALWEG_NOT_FOUND": "Not found",
	"THALWEG_FORBIDDEN": "Forbidden",
}
