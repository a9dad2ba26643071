-- The Body page's weight chart over a long history (issue 23): the trend's
-- days and the "all" range's weekly averages read (local day, weight) of the
-- weigh-ins only, from this index alone (no table rows). Local only: nothing
-- here syncs.
CREATE INDEX body_measurements_user_day_weight ON body_measurements (user_id, local_date, weight_kg)
    WHERE weight_kg IS NOT NULL;
