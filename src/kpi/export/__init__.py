"""Material for the evaluation report: the Excel workbook and the Word draft of the findings."""
