-- rd_ratio.lua: R&D ÷ revenue, computed only when both are stated for the
-- same company, the same period and the same scope, from actual figures.
-- A wrong ratio is worse than none: a three-year cumulative R&D against
-- one year's revenue, parent-company R&D against group revenue, a forecast,
-- or a zero revenue all give no ratio.
return rule {
  name = "rd_to_revenue",
  description = "R&D-to-revenue ratio from same-entity, same-period, same-scope actuals",
  document = function(doc)
    for rd in doc:facts{ kind = "metric", name = "rd_expense" } do
      if rd.entity and rd.period and not rd.total and not rd.estimate and rd.scope == nil then
        for rev in doc:facts{ kind = "metric", name = "revenue", entity = rd.entity, period = rd.period } do
          if rev.scope == nil and not rev.estimate and rev.value and rev.value > 0 and rev.unit == rd.unit then
            doc:emit{ kind = "ratio", name = "rd_to_revenue", entity = rd.entity, period = rd.period,
                      value = rd.value / rev.value, measure = rd.measure, from = { rd, rev } }
            break
          end
        end
      end
    end
  end,
}
