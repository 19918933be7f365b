"""HTTP routers: Overlord tasks, Druid SQL, status and datasource metadata."""
