"""Recovery: tasks whose next step was lost (a broker restart, a crash between a database write
and its event) are driven on from what the task table and the object store hold."""
