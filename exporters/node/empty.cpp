// Keeps node_collectors non-empty before any collector exists.
