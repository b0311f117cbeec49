-- lib/dates.lua: calendar arithmetic on "YYYY-MM-DD" strings (rules have no
-- os.date).  Days are counted from 1970-01-01, proleptic Gregorian.
local M = {}

local function days_from_civil(y, m, d)
  y = m <= 2 and y - 1 or y
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local function civil_from_days(z)
  z = z + 719468
  local era = (z >= 0 and z or z - 146096) // 146097
  local doe = z - era * 146097
  local yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
  local y = yoe + era * 400
  local doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
  local mp = (5 * doy + 2) // 153
  local d = doy - (153 * mp + 2) // 5 + 1
  local m = mp + (mp < 10 and 3 or -9)
  return m <= 2 and y + 1 or y, m, d
end

-- "2024-12-15" minus 7 days → "2024-12-08".
function M.minus_days(date, days)
  local y, m, d = date:match("^(%d+)-(%d+)-(%d+)$")
  if not y then return nil end
  local z = days_from_civil(tonumber(y), tonumber(m), tonumber(d)) - days
  return string.format("%04d-%02d-%02d", civil_from_days(z))
end

return M
