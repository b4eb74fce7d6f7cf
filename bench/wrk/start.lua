-- wrk script for the "background starts" scenario: POST a run that runs in the background
-- and is not streamed (202 at once), one event of 32 bytes. wrk itself reports answers
-- other than 2xx/3xx ("Non-2xx or 3xx responses"), which the scenario refuses.
wrk.method = "POST"
wrk.body = "message=bench&stream=false&background=true&events=1&bytes=32"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
