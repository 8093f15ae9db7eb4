// Keeps mattermost_collectors non-empty before any collector exists.
