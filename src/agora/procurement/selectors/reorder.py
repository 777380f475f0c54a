"""The stock reorder list, as procurement reads it to propose purchase requests (computed by the stock app)."""

from agora.stock.selectors.reorder import reorder_proposals as stock_reorder_proposals


def reorder_proposals(*, organisation) -> list:
    """Proposals with `product` and `quantity_to_order` (see agora.stock.selectors.reorder)."""
    return stock_reorder_proposals(organisation=organisation)
