"""Lists that people order by hand (form questions, pipeline stages): one way to nudge an item."""


def swap_with_neighbour(queryset, item, offset):
    """Swap `item` with the one above (offset -1) or below (+1) in `queryset`, then renumber `order` 0..n.

    The caller locks the rows (select_for_update inside a transaction). Returns False at either end.
    """
    items = list(queryset)
    index = next(i for i, each in enumerate(items) if each.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for order, each in enumerate(items):
        each.order = order
    type(item).objects.bulk_update(items, ["order"])
    return True
