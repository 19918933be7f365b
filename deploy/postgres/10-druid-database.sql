-- The compose PostgreSQL holds Mauzo's task table (database from POSTGRES_DB) and Druid's
-- metadata store (database `druid`). Runs once, when the data volume is first initialised.
CREATE DATABASE druid;
