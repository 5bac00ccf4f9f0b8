# Authorization: may this caller perform this action on this resource?
#
# Input (built by the services from a verified Keycloak token and the request):
#   {"subject": "...", "tenant": "acme", "roles": ["wallets-writer"], "client": "thalweg-cli",
#    "action": "wallets:credit", "resource": {"type": "wallet", "id": "...", "tenant": "acme"}}
# resource.tenant is absent for creations and for collection reads and searches.
#
# data.thalweg.authz.decision = {"allow": bool, "reason": string, "cross_tenant": bool}
#   allow         the caller holds a role granting the action and the resource is in its
#                 tenant (or the action may cross tenants, see tenant_permitted)
#   cross_tenant  the resource names a tenant other than the caller's, whatever the outcome;
#                 a service answers a denial with cross_tenant as 404, so that another
#                 tenant's resources cannot be told apart from missing ones
#   reason        why, in words, for the problem+json detail and the logs
package thalweg.authz

import data.thalweg.actions.catalogue
import data.thalweg.actions.platform_tenant

decision := {
	"allow": allow,
	"reason": reason,
	"cross_tenant": cross_tenant,
}

default allow := false

allow if {
	tenant_given
	action_known
	role_held
	tenant_permitted
}

# ---------------------------------------------------------------------------
# Facts about the input
# ---------------------------------------------------------------------------
tenant_given if {
	is_string(input.tenant)
	input.tenant != ""
}

action_given if {
	is_string(input.action)
	input.action != ""
}

action_known if catalogue[input.action]

spec := catalogue[input.action]

# Roles come as a JSON list of strings; anything else in it, or in its place, grants nothing.
roles := {r | is_array(input.roles); some r in input.roles; is_string(r)}

held_roles := spec.roles & roles

role_held if count(held_roles) > 0

# A resource that names a tenant (even null or "") names a tenant: only an exact
# match with the caller's tenant counts as the caller's own.
default cross_tenant := false

cross_tenant if {
	_ = input.resource.tenant
	not same_tenant
}

same_tenant if input.resource.tenant == input.tenant

# ---------------------------------------------------------------------------
# Tenant boundary
# ---------------------------------------------------------------------------
# Within the caller's tenant, or no tenant on the resource (creations, collections).
tenant_permitted if not cross_tenant

# Service accounts (tenant "platform") act for every tenant, but only to write:
# settlement and other platform processes change tenants' wallets and users with
# the write roles their clients are given. They read nothing of a tenant's.
tenant_permitted if {
	cross_tenant
	spec.kind == "write"
	input.tenant == platform_tenant
}

# Operations (dead letters, replays, rebuilds) act on topics and projections that
# carry every tenant's events: the operator role is platform-wide.
tenant_permitted if {
	cross_tenant
	spec.kind == "operate"
}

# ---------------------------------------------------------------------------
# Reason: the first failing check, in this order, else why it is allowed
# ---------------------------------------------------------------------------
reason := "no tenant in input: the caller's token carries no tenant" if {
	not tenant_given
} else := "no action in input" if {
	not action_given
} else := sprintf("unknown action \"%s\"", [input.action]) if {
	not action_known
} else := "the resource belongs to another tenant" if {
	not tenant_permitted
} else := sprintf("%s requires role %s", [input.action, concat(" or ", sort(spec.roles))]) if {
	not role_held
} else := granted

granted := sprintf("%s granted by role %s", [input.action, concat(", ", sort(held_roles))]) if {
	not cross_tenant
} else := sprintf("%s granted by role %s to a service account, which may write to any tenant's resources", [input.action, concat(", ", sort(held_roles))]) if {
	spec.kind == "write"
} else := sprintf("%s granted by role %s; operations span every tenant", [input.action, concat(", ", sort(held_roles))])
