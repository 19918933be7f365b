"""The SQL this API sends: sales filters, measures and KPI formulas, time windows, explore, RFM."""
