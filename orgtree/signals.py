from django.dispatch import Signal

# Sent inside the transaction that moves a subtree, so apps holding a denormalised copy of org
# paths or a review position (accounts, websites) rewrite theirs. kwargs: old_prefix, new_prefix
# (the moved unit's path before and after), unit, old_parent, new_parent, and left_ids: the pks
# of the units that were above the subtree and no longer are (a request waiting at one of them
# moves to new_parent, the first unit above the subtree in its new chain).
subtree_moved = Signal()
