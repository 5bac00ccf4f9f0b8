package thalweg.gateway_test

import data.thalweg.actions.catalogue
import data.thalweg.authz_test.grants
import data.thalweg.authz_test.realm_roles
import data.thalweg.gateway

# Signed with a test key: the policy decodes and never verifies (openid-connect did).
token(claims) := io.jwt.encode_sign({"alg": "HS256", "typ": "JWT"}, claims, {"kty": "oct", "k": "dGhhbHdlZy10ZXN0LWtleQ"})

person(tenant, roles) := {"sub": "user-1", "tenant": tenant, "realm_access": {"roles": roles}, "azp": "thalweg-cli"}

# APISIX's input for one request carrying these headers.
apisix(method, path, headers) := {
	"type": "http",
	"request": {"scheme": "http", "method": method, "host": "127.0.0.1", "port": 9080, "path": path, "headers": headers, "query": {}},
	"var": {"remote_addr": "172.18.0.1", "remote_port": "50000", "server_addr": "172.18.0.20", "server_port": "9080", "timestamp": 1700000000},
}

bearer(method, path, claims) := apisix(method, path, {"authorization": sprintf("Bearer %s", [token(claims)])})

decide(req) := d if {
	d := gateway.decision with input as req
}

translate(req) := i if {
	i := gateway.authz_input with input as req
}

# The contract, written out by hand: a concrete request to each endpoint, and its action.
requests := [
	{"method": "POST", "path": "/v1/wallets", "action": "wallets:open"},
	{"method": "POST", "path": "/v1/wallets/w-1/credits", "action": "wallets:credit"},
	{"method": "POST", "path": "/v1/wallets/w-1/debits", "action": "wallets:debit"},
	{"method": "POST", "path": "/v1/wallets/w-1/transfers", "action": "wallets:transfer"},
	{"method": "GET", "path": "/v1/wallets/w-1", "action": "wallets:read"},
	{"method": "GET", "path": "/v1/wallets/w-1/entries", "action": "wallets:read"},
	{"method": "GET", "path": "/v1/commands/c-1", "action": "commands:read"},
	{"method": "POST", "path": "/v1/users", "action": "users:register"},
	{"method": "GET", "path": "/v1/users/u-1", "action": "users:read"},
	{"method": "PATCH", "path": "/v1/users/u-1/profile", "action": "users:update-profile"},
	{"method": "POST", "path": "/v1/users/u-1/kyc-decisions", "action": "users:decide-kyc"},
	{"method": "GET", "path": "/v1/search/users", "action": "search:users"},
	{"method": "GET", "path": "/v1/search/entries", "action": "search:entries"},
]

# What each request is about: creations name no id yet.
expected_resource := {
	"wallets:open": {"type": "wallet"},
	"wallets:credit": {"type": "wallet", "id": "w-1"},
	"wallets:debit": {"type": "wallet", "id": "w-1"},
	"wallets:transfer": {"type": "wallet", "id": "w-1"},
	"wallets:read": {"type": "wallet", "id": "w-1"},
	"commands:read": {"type": "command", "id": "c-1"},
	"users:register": {"type": "user"},
	"users:read": {"type": "user", "id": "u-1"},
	"users:update-profile": {"type": "user", "id": "u-1"},
	"users:decide-kyc": {"type": "user", "id": "u-1"},
	"search:users": {"type": "users"},
	"search:entries": {"type": "entries"},
}

# ---------------------------------------------------------------------------
# From APISIX's request to the authorization input
# ---------------------------------------------------------------------------
test_every_endpoint_becomes_its_action_and_resource if {
	wrong := {[r, i] |
		some r in requests
		i := translate(bearer(r.method, r.path, person("acme", ["wallets-reader"])))
		not translated(i, r)
	}
	wrong == set()
}

translated(i, r) if {
	i.action == r.action
	i.resource == expected_resource[r.action]
}

test_the_endpoint_table_is_the_contract if {
	count(gateway.endpoints) == count(requests)
	every r in requests {
		decide(bearer(r.method, r.path, person("acme", []))).status_code == 403
	}
}

test_every_endpoint_names_a_catalogue_action if {
	every e in gateway.endpoints {
		catalogue[e.action]
	}
}

test_the_caller_comes_from_the_token_and_nothing_else if {
	headers := {
		"authorization": sprintf("Bearer %s", [token(person("acme", ["wallets-writer"]))]),
		"x-thalweg-tenant": "globex",
	}
	i := translate(apisix("POST", "/v1/wallets/w-1/credits", headers))
	i == {
		"subject": "user-1",
		"tenant": "acme",
		"roles": ["wallets-writer"],
		"client": "thalweg-cli",
		"action": "wallets:credit",
		"resource": {"type": "wallet", "id": "w-1"},
	}
}

# The gateway cannot know a wallet's tenant; naming one would turn every read into a denial.
test_no_resource_tenant_is_ever_claimed if {
	every r in requests {
		not translate(bearer(r.method, r.path, person("acme", []))).resource.tenant
	}
}

# ---------------------------------------------------------------------------
# Decisions
# ---------------------------------------------------------------------------
test_every_role_is_allowed_exactly_where_it_grants if {
	wrong := {[r.method, r.path, role] |
		some r in requests
		some role in realm_roles
		granted := role in grants[r.action]
		decide(bearer(r.method, r.path, person("acme", [role]))).allow != granted
	}
	wrong == set()
}

test_allow_passes_the_request_unchanged if {
	decide(bearer("GET", "/v1/wallets/w-1", person("acme", ["wallets-reader"]))) == {"allow": true}
}

test_a_denial_is_a_403_problem_with_the_authorization_reason if {
	decide(bearer("POST", "/v1/wallets/w-1/debits", person("acme", ["wallets-reader"]))) == {
		"allow": false,
		"status_code": 403,
		"headers": {"Content-Type": "application/problem+json"},
		"reason": {
			"type": "https://thalweg.dev/problems/forbidden",
			"title": "Forbidden",
			"status": 403,
			"detail": "wallets:debit requires role wallets-writer",
			"code": "THALWEG_FORBIDDEN",
		},
	}
}

# A transfer is decided on its source wallet, the one the path names; the destination is in the body.
test_a_transfer_is_asked_about_its_source_wallet if {
	i := translate(bearer("POST", "/v1/wallets/w-src/transfers", person("acme", ["wallets-writer"])))
	i.action == "wallets:transfer"
	i.resource == {"type": "wallet", "id": "w-src"}
	decide(bearer("POST", "/v1/wallets/w-src/transfers", person("acme", ["wallets-writer"]))).allow
	decide(bearer("POST", "/v1/wallets/w-src/transfers", person("acme", ["wallets-reader"]))).reason.detail == "wallets:transfer requires role wallets-writer"
}

# A command's outcome is a GET, but of a command: its action is commands:read, not wallets:read.
test_a_command_outcome_is_asked_about_the_command if {
	i := translate(bearer("GET", "/v1/commands/c-9", person("acme", ["wallets-reader"])))
	i.action == "commands:read"
	i.resource == {"type": "command", "id": "c-9"}
	decide(bearer("GET", "/v1/commands/c-9", person("acme", ["wallets-reader"]))).allow
	decide(bearer("GET", "/v1/commands/c-9", person("acme", ["searcher"]))).reason.detail == "commands:read requires role wallets-reader or wallets-writer"
}

service_account(roles) := {"sub": "service-account-command-api", "tenant": "platform", "realm_access": {"roles": roles}, "azp": "command-api"}

test_a_service_account_is_judged_by_its_own_roles_and_tenant if {
	decide(bearer("POST", "/v1/wallets/w-1/credits", service_account(["wallets-writer"]))).allow
	decide(bearer("POST", "/v1/wallets/w-1/credits", service_account(["users-writer"]))).reason.detail == "wallets:credit requires role wallets-writer"
	i := translate(bearer("POST", "/v1/wallets/w-1/credits", service_account(["wallets-writer"])))
	i.tenant == "platform"
	i.client == "command-api"
}

# ---------------------------------------------------------------------------
# Requests no endpoint serves: 404, whoever asks
# ---------------------------------------------------------------------------
test_paths_and_methods_no_endpoint_serves_are_404 if {
	all_roles := [r | some r in realm_roles]
	wrong := {[method, path, d] |
		some [method, path] in [
			["GET", "/v1/wallets"],
			["GET", "/v1/wallets/"],
			["GET", "/v1/wallets/w-1/"],
			["GET", "/v1/wallets//entries"],
			["GET", "/v1/walletsX/w-1"],
			["DELETE", "/v1/wallets/w-1"],
			["PUT", "/v1/wallets/w-1"],
			["POST", "/v1/wallets/w-1"],
			["POST", "/v1/wallets/w-1/credits/extra"],
			["GET", "/v1/wallets/w-1/credits"],
			["get", "/v1/wallets/w-1"],
			["PATCH", "/v1/users"],
			["POST", "/v1/users/u-1/profile"],
			["PATCH", "/v1/users/u-1"],
			["POST", "/v1/users/u-1/kyc-decisions/extra"],
			["GET", "/v1/wallets/w-1/transfers"],
			["POST", "/v1/wallets/w-1/transfers/t-1"],
			["POST", "/v1/wallets//transfers"],
			["GET", "/v1/commands"],
			["GET", "/v1/commands/"],
			["GET", "/v1/commands/c-1/outcome"],
			["POST", "/v1/commands/c-1"],
			["GET", "/v1/command/c-1"],
		]
		d := decide(bearer(method, path, person("acme", all_roles)))
		not not_found(d, method, path)
	}
	wrong == set()
}

not_found(d, method, path) if {
	d.allow == false
	d.status_code == 404
	d.headers == {"Content-Type": "application/problem+json"}
	d.reason.code == "THALWEG_NOT_FOUND"
	d.reason.title == "Not found"
	d.reason.type == "https://thalweg.dev/problems/not-found"
	d.reason.status == 404
	d.reason.detail == sprintf("no Thalweg endpoint serves %s %s", [method, path])
}

# ---------------------------------------------------------------------------
# Tokens: whatever cannot be read as a bearer token carries no caller
# ---------------------------------------------------------------------------
test_requests_without_a_readable_bearer_token_carry_no_tenant if {
	writer := token(person("acme", ["wallets-writer"]))
	wrong := {[h, d] |
		some h in [
			{},
			{"authorization": ""},
			{"authorization": "Bearer"},
			{"authorization": "Bearer not-a-jwt"},
			{"authorization": sprintf("Basic %s", [writer])},
			{"authorization": sprintf("Bearer %s extra", [writer])},
			{"authorization": [sprintf("Bearer %s", [writer]), sprintf("Bearer %s", [writer])]},
		]
		d := decide(apisix("POST", "/v1/wallets", h))
		not tokenless(d)
	}
	wrong == set()
}

tokenless(d) if {
	d.allow == false
	d.status_code == 403
	d.reason.detail == "no tenant in input: the caller's token carries no tenant"
}

test_the_bearer_scheme_is_case_insensitive if {
	writer := token(person("acme", ["wallets-writer"]))
	decide(apisix("POST", "/v1/wallets", {"authorization": sprintf("bearer %s", [writer])})).allow
	decide(apisix("POST", "/v1/wallets", {"authorization": sprintf("BEARER %s", [writer])})).allow
}

test_a_token_without_tenant_or_roles_leaves_them_out if {
	i := translate(bearer("POST", "/v1/wallets", {"sub": "user-1", "azp": "thalweg-cli"}))
	i == {"subject": "user-1", "client": "thalweg-cli", "action": "wallets:open", "resource": {"type": "wallet"}}
	tokenless(decide(bearer("POST", "/v1/wallets", {"sub": "user-1", "realm_access": {"roles": ["wallets-writer"]}})))
	decide(bearer("POST", "/v1/wallets", {"tenant": "acme"})).reason.detail == "wallets:open requires role wallets-writer"
}
