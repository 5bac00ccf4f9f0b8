# The action catalogue: every action a Thalweg service may ask about, the realm
# roles that grant it, and its kind. A new endpoint adds its action here (and a
# row to the tests); an action missing from here is denied as unknown.
#
# Kinds:
#   write    changes a tenant's data (commands that become events)
#   read     reads a tenant's data (a resource, or a collection scoped by tenant)
#   search   tenant-scoped search over projected data
#   operate  platform operations over topics and projections (every tenant's events)
package thalweg.actions

catalogue := {
	"wallets:open": {"kind": "write", "roles": {"wallets-writer"}},
	"wallets:credit": {"kind": "write", "roles": {"wallets-writer"}},
	"wallets:debit": {"kind": "write", "roles": {"wallets-writer"}},
	# A transfer's resource is its source wallet (the path's); the destination is in the body.
	"wallets:transfer": {"kind": "write", "roles": {"wallets-writer"}},
	"wallets:read": {"kind": "read", "roles": {"wallets-reader", "wallets-writer"}},
	# The outcome of a command (pending, accepted, rejected), read by whoever may read or write wallets.
	"commands:read": {"kind": "read", "roles": {"wallets-reader", "wallets-writer"}},
	"users:register": {"kind": "write", "roles": {"users-writer"}},
	"users:update-profile": {"kind": "write", "roles": {"users-writer"}},
	# KYC decisions may later need a role of their own; users-writer for now.
	"users:decide-kyc": {"kind": "write", "roles": {"users-writer"}},
	"users:read": {"kind": "read", "roles": {"users-reader", "users-writer"}},
	"search:users": {"kind": "search", "roles": {"searcher"}},
	"search:entries": {"kind": "search", "roles": {"searcher"}},
	"operate:dead-letters": {"kind": "operate", "roles": {"operator"}},
	"operate:replay": {"kind": "operate", "roles": {"operator"}},
	"operate:rebuild": {"kind": "operate", "roles": {"operator"}},
	"audit:read": {"kind": "read", "roles": {"auditor"}},
}

# The tenant of service accounts (confidential clients using client credentials).
platform_tenant := "platform"
