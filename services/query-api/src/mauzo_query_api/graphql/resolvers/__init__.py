"""Question answerers shared by GraphQL and REST: build SQL, run it, apply the KPI formulas."""
