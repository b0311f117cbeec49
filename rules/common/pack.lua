-- The common pack: rules for the language of Chinese and English financial
-- news in general.  It applies to every document; publication packs extend
-- it and may replace any of its rules by name.
return {
  name = "common",
  version = "0.1.0",
  description = "Entities, financial metrics, R&D ratios, restructuring events and cross-checks for Chinese and English financial news",
}
