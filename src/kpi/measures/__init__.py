"""KPI computations: statuses, changes, finance, the adjustment programme, assessments — frames in, frames out."""
