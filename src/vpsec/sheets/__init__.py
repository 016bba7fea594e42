"""Spreadsheets in and out: registers as xlsx or CSV, records as YAML.

- `columns`: the columns of each kind, derived from its model (its JSON Schema, in field order).
- `export`: records to tables, and tables to xlsx or CSV bytes.
- `read`: an xlsx or CSV file to plain grids of cell values, refusing what is unsafe to open.
- `importer`: grids to raw records, each value traced back to its sheet, row and column.
- `formulas`: cells that a spreadsheet program would run as a formula, written as text.
- `yamlwrite`: raw records to YAML text that the loader reads back unchanged.

openpyxl is imported only by the functions that read or write xlsx.
"""
