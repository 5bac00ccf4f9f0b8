package thalweg.filter_test

import data.thalweg.authz_test.grants
import data.thalweg.authz_test.operations
import data.thalweg.authz_test.realm_roles
import data.thalweg.authz_test.request
import data.thalweg.authz_test.service
import data.thalweg.authz_test.writes
import data.thalweg.filter

scope(req) := s if {
	s := filter.scope with input as req
}

# Reads, searches and operations: the actions that get a tenant scope.
scoped := {a | some a, _ in grants; not a in writes}

test_scope_has_exactly_three_typed_fields if {
	s := scope(request("acme", ["searcher"], "search:users", null))
	object.keys(s) == {"allow", "tenants", "reason"}
	is_boolean(s.allow)
	is_array(s.tenants)
	is_string(s.reason)
}

# ---------------------------------------------------------------------------
# Every role against every read, search and operation
# ---------------------------------------------------------------------------
test_every_role_gets_its_own_tenant_or_nothing if {
	wrong := {[a, r, s] |
		some a in scoped
		not a in operations
		some r in realm_roles
		s := scope(request("acme", [r], a, null))
		not own_tenant_or_nothing(s, r in grants[a])
	}
	wrong == set()
}

own_tenant_or_nothing(s, true) if {
	s.allow
	s.tenants == ["acme"]
	endswith(s.reason, ": tenant acme only")
}

own_tenant_or_nothing(s, false) := denied(s)

denied(s) if {
	not s.allow
	s.tenants == []
}

test_operator_operations_span_every_tenant if {
	wrong := {[a, r, s] |
		some a in operations
		some r in realm_roles
		s := scope(request("acme", [r], a, null))
		not every_tenant_or_nothing(s, r == "operator")
	}
	wrong == set()
}

every_tenant_or_nothing(s, true) if {
	s.allow
	s.tenants == ["*"]
	endswith(s.reason, ": every tenant")
}

every_tenant_or_nothing(s, false) := denied(s)

test_only_operations_ever_span_every_tenant if {
	all_roles := [r | some r in realm_roles]
	spanning := {a |
		some a, _ in grants
		some t in ["acme", "platform"]
		"*" in scope(request(t, all_roles, a, null)).tenants
	}
	spanning == operations
}

test_the_scope_follows_the_callers_tenant if {
	scope(request("globex", ["searcher"], "search:entries", null)).tenants == ["globex"]
	scope(request("acme", ["searcher"], "search:entries", null)).tenants == ["acme"]
}

test_auditor_reads_only_its_own_tenants_audit if {
	s := scope(request("globex", ["auditor"], "audit:read", null))
	s.allow
	s.tenants == ["globex"]
	s.reason == "audit:read granted by role auditor: tenant globex only"
	denied(scope(request("globex", ["auditor"], "search:entries", null)))
}

test_operator_reading_audit_gets_its_own_tenant_only if {
	scope(request("acme", ["operator", "auditor"], "audit:read", null)).tenants == ["acme"]
	scope(request("acme", ["operator", "searcher"], "search:users", null)).tenants == ["acme"]
}

test_denial_reason_is_the_authorization_reason if {
	scope(request("acme", ["wallets-reader"], "search:users", null)).reason == "search:users requires role searcher"
	scope(request("acme", ["searcher"], "search:all", null)).reason == "unknown action \"search:all\""
}

# ---------------------------------------------------------------------------
# What gets no scope
# ---------------------------------------------------------------------------
test_writes_have_no_scope_even_with_the_role if {
	all_roles := [r | some r in realm_roles]
	wrong := {[a, s] |
		some a in writes
		s := scope(request("acme", all_roles, a, null))
		not write_without_scope(s, a)
	}
	wrong == set()
}

write_without_scope(s, a) if {
	denied(s)
	s.reason == sprintf("%s is a write, not a read or a search: it has no tenant scope", [a])
}

test_missing_tenant_gets_no_scope if {
	wrong := {[t, s] |
		some t in [{}, {"tenant": ""}, {"tenant": null}, {"tenant": 1}]
		s := scope(object.union({"roles": ["searcher", "operator"], "action": "search:users"}, t))
		not missing_tenant(s)
	}
	wrong == set()
	s := scope({"roles": ["operator"], "action": "operate:replay"})
	missing_tenant(s)
}

missing_tenant(s) if {
	denied(s)
	s.reason == "no tenant in input: the caller's token carries no tenant"
}

test_unknown_or_missing_action_gets_no_scope if {
	denied(scope(request("acme", ["searcher"], "search:everything", null)))
	denied(scope({"tenant": "acme", "roles": ["searcher"]}))
}

test_a_resource_of_another_tenant_gets_no_scope if {
	s := scope(request("acme", ["wallets-reader"], "wallets:read", "globex"))
	denied(s)
	s.reason == "the resource belongs to another tenant"
	scope(request("acme", ["wallets-reader"], "wallets:read", "acme")).tenants == ["acme"]
}

# ---------------------------------------------------------------------------
# Service accounts
# ---------------------------------------------------------------------------
test_service_accounts_read_and_search_only_the_platform_tenant if {
	wrong := {[a, s] |
		some a in scoped
		not a in operations
		s := scope(service([r | some r in grants[a]], a, null))
		s.tenants != ["platform"]
	}
	wrong == set()
}

test_service_accounts_get_no_scope_for_writes_or_without_roles if {
	denied(scope(service(["wallets-writer"], "wallets:credit", null)))
	denied(scope(service([], "search:entries", null)))
}
