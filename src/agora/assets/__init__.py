"""Fixed assets, their depreciation schedules and entries, disposals; provisions."""
