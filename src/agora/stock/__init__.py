"""Stock: items, locations, moves, valuation (weighted average cost, FIFO), stock cards, counts, reorder list, costs."""
