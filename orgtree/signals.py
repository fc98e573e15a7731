from django.dispatch import Signal

# Sent inside the transaction that moves a subtree, so apps holding a denormalised
# copy of org paths (accounts, websites) rewrite theirs: kwargs old_prefix, new_prefix.
subtree_moved = Signal()
