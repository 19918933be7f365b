"""Time: ISO-8601 periods and intervals, Druid granularities, Joda patterns."""
