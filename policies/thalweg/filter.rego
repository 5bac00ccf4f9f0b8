# Data filter: the tenant scope a read or a search must apply.
#
# Same input as data.thalweg.authz (resource.tenant absent for collection reads
# and searches). The services take the scope from here, never from the client.
#
# data.thalweg.filter.scope = {"allow": bool, "tenants": [string], "reason": string}
#   allow    the caller may run this read or search at all (the authz decision, and the
#            action is a read, a search or an operation)
#   tenants  the tenants the query must be restricted to: the caller's own tenant,
#            ["*"] (every tenant) only for an operator's operate:* actions, [] when denied.
#            A consumer that does not know the "*" wildcard matches no tenant named "*":
#            it fails closed.
#   reason   why, in words
package thalweg.filter

import data.thalweg.actions.catalogue
import data.thalweg.authz

scope := {
	"allow": allow,
	"tenants": tenants,
	"reason": reason,
}

# Writes have no scope: they act on one resource and go through authz.decision.
scoped_kinds := {"read", "search", "operate"}

scoped if catalogue[input.action].kind in scoped_kinds

all_tenants if catalogue[input.action].kind == "operate"

default allow := false

allow if {
	scoped
	authz.allow
}

tenants := ["*"] if {
	allow
	all_tenants
} else := [input.tenant] if {
	allow
} else := []

reason := authz.reason if {
	not authz.allow
} else := sprintf("%s is a %s, not a read or a search: it has no tenant scope", [input.action, catalogue[input.action].kind]) if {
	not scoped
} else := sprintf("%s: every tenant", [authz.reason]) if {
	all_tenants
} else := sprintf("%s: tenant %s only", [authz.reason, input.tenant])
