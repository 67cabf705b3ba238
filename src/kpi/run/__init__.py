"""Running a reporting period: parameters, periods, progress and the runner."""
