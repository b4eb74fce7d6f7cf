-- wrk script for the "background starts" scenario: POST a run that runs in the background
-- and is not streamed (202 at once), one event of 32 bytes.
wrk.method = "POST"
wrk.body = "message=bench&stream=false&background=true&events=1&bytes=32"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

local non_202 = 0
response = function(status, headers, body)
  if status ~= 202 then
    non_202 = non_202 + 1
  end
end
