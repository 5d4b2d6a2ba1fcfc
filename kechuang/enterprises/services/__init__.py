"""Every write of the enterprise app, one module per part; imported here for callers."""

from kechuang.enterprises.services.annual import FIGURE_FIELDS, enterprise_year_save  # noqa: F401
from kechuang.enterprises.services.pool import (  # noqa: F401, E402
    ladder_settings_save,
    may_manage_pool,
    pool_entry_add,
    pool_entry_assign,
    pool_entry_note_set,
    pool_entry_transition,
    visit_log,
)
from kechuang.enterprises.services.qualifications import (  # noqa: F401
    may_deliver_plaques,
    plaque_deliver,
    qualification_save,
    tier_save,
)
from kechuang.enterprises.services.registry import (  # noqa: F401
    EDITABLE_FIELDS,
    OWNER_LOCKED_FIELDS,
    enterprise_create,
    enterprise_delete,
    enterprise_update,
    enterprises_import,
)
