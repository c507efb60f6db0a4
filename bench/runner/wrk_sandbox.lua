-- wrk script: the sandbox's headroom. PUTs of a pin update to distinct pins, with the sandbox's
-- own keys (an answer without them would be a 401, which takes the same latency but is not
-- the work the latency case asks of it).
local counter = 0
local body = '{"request":{"update":{"pin":{"board":"b1","description":"headroom","link":"https://shop.example.com/pin/1"}}}}'
request = function()
  counter = counter + 1
  return wrk.format("PUT",
    "/update/identities/0b6f1c2e-8a7d-4c3e-9f10-2a3b4c5d6e7f/pinterest/pin/" .. "35296968" .. string.format("%010d", counter) .. ".json",
    {["Content-Type"] = "application/json",
     ["Authorization"] = "Basic c2FuZGJveC1wdWJsaWMta2V5OnNhbmRib3gtcHJpdmF0ZS1rZXk="},
    body)
end
