# Moved to govmedia.roles (issue #24): a shim for code written meanwhile; the lead removes it.
from govmedia.roles import *  # noqa: F401,F403
from govmedia.roles import (  # noqa: F401
    FILERS, GB_ONLY, L1_ONLY, ORG_UNITS, PUBLIC, SIGNED_IN, SITES, SUPERVISORS, ROLE_LABELS, Access, OpsRole, Role,
)
