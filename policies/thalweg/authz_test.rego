package thalweg.authz_test

import data.thalweg.authz

# The contract, written out again by hand (not derived from the catalogue): the
# realm roles, and the roles that grant each action.
realm_roles := {"wallets-writer", "wallets-reader", "users-writer", "users-reader", "searcher", "operator", "auditor"}

grants := {
	"wallets:open": {"wallets-writer"},
	"wallets:credit": {"wallets-writer"},
	"wallets:debit": {"wallets-writer"},
	"wallets:transfer": {"wallets-writer"},
	"wallets:read": {"wallets-reader", "wallets-writer"},
	"commands:read": {"wallets-reader", "wallets-writer"},
	"users:register": {"users-writer"},
	"users:update-profile": {"users-writer"},
	"users:decide-kyc": {"users-writer"},
	"users:read": {"users-reader", "users-writer"},
	"search:users": {"searcher"},
	"search:entries": {"searcher"},
	"operate:dead-letters": {"operator"},
	"operate:replay": {"operator"},
	"operate:rebuild": {"operator"},
	"audit:read": {"auditor"},
}

writes := {"wallets:open", "wallets:credit", "wallets:debit", "wallets:transfer", "users:register", "users:update-profile", "users:decide-kyc"}

operations := {"operate:dead-letters", "operate:replay", "operate:rebuild"}

# A person of tenant `tenant` holding `roles`, acting on a resource of `owner`
# (owner null: no resource tenant, as for creations and collections).
request(tenant, roles, action, owner) := {
	"subject": "user-1",
	"tenant": tenant,
	"roles": roles,
	"client": "thalweg-cli",
	"action": action,
	"resource": {"type": "thing", "id": "r-1", "tenant": owner},
} if owner != null

request(tenant, roles, action, null) := {
	"subject": "user-1",
	"tenant": tenant,
	"roles": roles,
	"client": "thalweg-cli",
	"action": action,
	"resource": {"type": "thing"},
}

decide(req) := d if {
	d := authz.decision with input as req
}

# ---------------------------------------------------------------------------
# The catalogue is the contract
# ---------------------------------------------------------------------------
test_catalogue_has_exactly_the_contract_actions if {
	object.keys(data.thalweg.actions.catalogue) == object.keys(grants)
}

test_catalogue_grants_only_realm_roles if {
	unknown := {[a, r] | some a, spec in data.thalweg.actions.catalogue; some r in spec.roles; not r in realm_roles}
	unknown == set()
}

test_decision_has_exactly_three_typed_fields if {
	d := decide(request("acme", ["wallets-writer"], "wallets:credit", "acme"))
	object.keys(d) == {"allow", "reason", "cross_tenant"}
	is_boolean(d.allow)
	is_string(d.reason)
	is_boolean(d.cross_tenant)
}

# ---------------------------------------------------------------------------
# Every role against every action, in the caller's own tenant
# ---------------------------------------------------------------------------
test_every_action_allowed_exactly_for_its_roles_on_own_resource if {
	wrong := {[a, r, d] |
		some a, granting in grants
		some r in realm_roles
		d := decide(request("acme", [r], a, "acme"))
		expected := r in granting
		d.allow != expected
	}
	wrong == set()
}

test_every_action_allowed_exactly_for_its_roles_without_resource_tenant if {
	wrong := {[a, r, d] |
		some a, granting in grants
		some r in realm_roles
		d := decide(request("acme", [r], a, null))
		expected := r in granting
		d.allow != expected
	}
	wrong == set()
}

test_allowed_decisions_are_not_cross_tenant_and_name_the_role if {
	wrong := {[a, r, d] |
		some a, granting in grants
		some r in granting
		d := decide(request("acme", [r], a, "acme"))
		not allowed_by(d, a, r)
	}
	wrong == set()
}

allowed_by(d, a, r) if {
	d.allow
	not d.cross_tenant
	d.reason == sprintf("%s granted by role %s", [a, r])
}

test_denied_for_missing_role_names_the_roles_that_grant if {
	wrong := {[a, r, d] |
		some a, granting in grants
		some r in (realm_roles - granting)
		d := decide(request("acme", [r], a, "acme"))
		not denied_naming(d, a, granting)
	}
	wrong == set()
}

denied_naming(d, a, granting) if {
	not d.allow
	not d.cross_tenant
	startswith(d.reason, sprintf("%s requires role ", [a]))
	every g in granting { contains(d.reason, g) }
}

test_missing_role_reason_exact if {
	decide(request("acme", ["wallets-reader"], "wallets:credit", "acme")).reason == "wallets:credit requires role wallets-writer"
	decide(request("acme", ["searcher"], "wallets:read", "acme")).reason == "wallets:read requires role wallets-reader or wallets-writer"
}

# A transfer is asked about its source wallet, the one its path names: only a writer of the
# tenant that owns it may move money out of it. The destination is in the body, unseen here.
test_transfer_needs_the_writer_role_on_an_own_source_wallet if {
	d := decide(request("acme", ["wallets-writer"], "wallets:transfer", "acme"))
	d.allow
	d.reason == "wallets:transfer granted by role wallets-writer"
	decide(request("acme", ["wallets-reader"], "wallets:transfer", "acme")).reason == "wallets:transfer requires role wallets-writer"
	not decide(request("acme", ["wallets-reader", "searcher", "operator"], "wallets:transfer", "acme")).allow
	cross_tenant_denial(decide(request("acme", ["wallets-writer"], "wallets:transfer", "globex")))
	cross_tenant_denial(decide(request("acme", ["wallets-reader"], "wallets:transfer", "globex")))
}

# A command's outcome is read like a wallet: by its tenant's readers and writers only.
test_command_outcome_read_by_wallet_readers_and_writers_of_its_tenant if {
	decide(request("acme", ["wallets-reader"], "commands:read", "acme")).allow
	decide(request("acme", ["wallets-writer"], "commands:read", "acme")).reason == "commands:read granted by role wallets-writer"
	decide(request("acme", ["users-reader"], "commands:read", "acme")).reason == "commands:read requires role wallets-reader or wallets-writer"
	cross_tenant_denial(decide(request("acme", ["wallets-writer"], "commands:read", "globex")))
	cross_tenant_denial(decide(request("acme", ["searcher"], "commands:read", "globex")))
	cross_tenant_denial(decide(service(["wallets-writer"], "commands:read", "acme")))
}

test_no_roles_denies_every_action if {
	wrong := {a |
		some a, _ in grants
		some req in [request("acme", [], a, "acme"), object.remove(request("acme", [], a, "acme"), {"roles"})]
		decide(req).allow
	}
	wrong == set()
}

test_every_role_at_once_allows_every_action if {
	wrong := {a | some a, _ in grants; not decide(request("acme", [r | some r in realm_roles], a, "acme")).allow}
	wrong == set()
}

test_several_granting_roles_are_all_named if {
	decide(request("acme", ["wallets-writer", "wallets-reader"], "wallets:read", "acme")).reason == "wallets:read granted by role wallets-reader, wallets-writer"
}

test_roles_that_are_not_strings_or_not_a_list_grant_nothing if {
	not decide(request("acme", [{"name": "wallets-writer"}, 1, null], "wallets:credit", "acme")).allow
	not decide(request("acme", "wallets-writer", "wallets:credit", "acme")).allow
	not decide(request("acme", {"role": "wallets-writer"}, "wallets:credit", "acme")).allow
}

test_role_names_are_exact if {
	not decide(request("acme", ["Wallets-Writer"], "wallets:credit", "acme")).allow
	not decide(request("acme", ["wallets-writer "], "wallets:credit", "acme")).allow
}

# ---------------------------------------------------------------------------
# Tenants
# ---------------------------------------------------------------------------
test_other_tenants_resource_denied_as_cross_tenant_for_every_non_operation if {
	wrong := {[a, r, d] |
		some a, granting in grants
		not a in operations
		some r in granting
		d := decide(request("acme", [r], a, "globex"))
		not cross_tenant_denial(d)
	}
	wrong == set()
}

cross_tenant_denial(d) if {
	not d.allow
	d.cross_tenant
	d.reason == "the resource belongs to another tenant"
}

test_cross_tenant_is_flagged_even_without_the_role if {
	d := decide(request("acme", ["searcher"], "wallets:read", "globex"))
	not d.allow
	d.cross_tenant
}

test_cross_tenant_is_flagged_for_a_platform_resource if {
	cross_tenant_denial(decide(request("acme", ["wallets-reader"], "wallets:read", "platform")))
}

test_resource_tenant_null_or_empty_is_not_the_callers if {
	cross_tenant_denial(decide(request("acme", ["wallets-reader"], "wallets:read", "")))
	d := decide({"tenant": "acme", "roles": ["wallets-reader"], "action": "wallets:read", "resource": {"tenant": null}})
	cross_tenant_denial(d)
}

test_tenant_match_is_exact if {
	cross_tenant_denial(decide(request("acme", ["wallets-reader"], "wallets:read", "ACME")))
	cross_tenant_denial(decide(request("acme", ["wallets-reader"], "wallets:read", "acme ")))
}

test_no_resource_at_all_is_not_cross_tenant if {
	d := decide({"tenant": "acme", "roles": ["wallets-writer"], "action": "wallets:open"})
	d.allow
	not d.cross_tenant
}

test_operator_operates_across_tenants if {
	wrong := {[a, d] |
		some a in operations
		d := decide(request("acme", ["operator"], a, "globex"))
		not d.allow
	}
	wrong == set()
	d := decide(request("acme", ["operator"], "operate:replay", "globex"))
	d.cross_tenant
	d.reason == "operate:replay granted by role operator; operations span every tenant"
}

test_operations_across_tenants_still_need_operator if {
	d := decide(request("acme", ["auditor", "searcher", "wallets-writer"], "operate:rebuild", "globex"))
	not d.allow
	d.cross_tenant
	d.reason == "operate:rebuild requires role operator"
}

test_operator_has_no_cross_tenant_reads if {
	cross_tenant_denial(decide(request("acme", ["operator", "auditor"], "audit:read", "globex")))
}

test_missing_tenant_denies_even_with_every_role if {
	all_roles := [r | some r in realm_roles]
	wrong := {[a, t, d] |
		some a, _ in grants
		some t in [{}, {"tenant": ""}, {"tenant": null}, {"tenant": 42}, {"tenant": ["acme"]}]
		d := decide(object.union({"roles": all_roles, "action": a, "resource": {"type": "thing"}}, t))
		not missing_tenant_denial(d)
	}
	wrong == set()
}

missing_tenant_denial(d) if {
	not d.allow
	d.reason == "no tenant in input: the caller's token carries no tenant"
}

test_missing_tenant_with_a_resource_tenant_is_cross_tenant if {
	d := decide({"roles": ["wallets-reader"], "action": "wallets:read", "resource": {"tenant": "acme"}})
	missing_tenant_denial(d)
	d.cross_tenant
}

# ---------------------------------------------------------------------------
# Service accounts (tenant "platform")
# ---------------------------------------------------------------------------
service(roles, action, owner) := object.union(request("platform", roles, action, owner), {"subject": "service-account-command-api", "client": "command-api"})

test_service_account_writes_to_any_tenant_with_the_role if {
	wrong := {[a, d] |
		some a in writes
		some r in grants[a]
		d := decide(service([r], a, "acme"))
		not service_write(d, a, r)
	}
	wrong == set()
}

service_write(d, a, r) if {
	d.allow
	d.cross_tenant
	d.reason == sprintf("%s granted by role %s to a service account, which may write to any tenant's resources", [a, r])
}

test_service_account_writes_nothing_without_the_role if {
	wrong := {[a, r, d] |
		some a in writes
		some r in (realm_roles - grants[a])
		d := decide(service([r], a, "acme"))
		d.allow
	}
	wrong == set()
	d := decide(service(["users-writer"], "wallets:debit", "acme"))
	d.cross_tenant
	d.reason == "wallets:debit requires role wallets-writer"
}

test_service_account_reads_and_searches_no_other_tenant if {
	wrong := {[a, d] |
		some a, granting in grants
		not a in writes
		not a in operations
		d := decide(service([r | some r in granting], a, "acme"))
		not cross_tenant_denial(d)
	}
	wrong == set()
}

test_service_account_in_its_own_tenant if {
	d := decide(service(["wallets-reader"], "wallets:read", "platform"))
	d.allow
	not d.cross_tenant
	decide(service(["wallets-writer"], "wallets:open", null)).allow
	decide(service(["searcher"], "search:entries", null)).allow
}

test_only_the_platform_tenant_writes_across_tenants if {
	cross_tenant_denial(decide(request("acme", ["wallets-writer"], "wallets:credit", "globex")))
	cross_tenant_denial(decide(request("platform-x", ["wallets-writer"], "wallets:credit", "globex")))
	cross_tenant_denial(decide(request("Platform", ["wallets-writer"], "wallets:credit", "globex")))
}

# ---------------------------------------------------------------------------
# Actions
# ---------------------------------------------------------------------------
test_unknown_action_denied_with_its_name if {
	all_roles := [r | some r in realm_roles]
	wrong := {[a, d] |
		some a in ["wallets:delete", "wallets", "WALLETS:CREDIT", "operate:*", "*", "admin:everything"]
		some req in [request("acme", all_roles, a, "acme"), service(all_roles, a, "acme")]
		d := decide(req)
		not unknown_action(d, a)
	}
	wrong == set()
	decide(request("acme", ["operator"], "wallets:delete", "acme")).reason == "unknown action \"wallets:delete\""
}

unknown_action(d, a) if {
	not d.allow
	d.reason == sprintf("unknown action \"%s\"", [a])
}

test_missing_action_denied if {
	wrong := {[x, d] |
		some x in [{}, {"action": ""}, {"action": null}, {"action": 7}, {"action": ["wallets:read"]}]
		d := decide(object.union({"tenant": "acme", "roles": ["wallets-reader"]}, x))
		not no_action(d)
	}
	wrong == set()
}

no_action(d) if {
	not d.allow
	d.reason == "no action in input"
}

test_object_prototype_names_are_not_actions if {
	not decide(request("acme", ["operator"], "constructor", null)).allow
	not decide(request("acme", ["operator"], "__proto__", null)).allow
}
