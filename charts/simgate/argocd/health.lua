-- Argo CD health check for SimGate resources (VirtualPrivateGateway, GatePeer, DeviceSubnet).
-- Reads the kstatus conditions the operator writes (Ready, Reconciling, Stalled) and the top-level
-- status.observedGeneration. Plain Lua 5.1 (Argo CD runs gopher-lua): no integer division, goto or bit ops.

-- Ready=False reasons that need a person to change an object, not time. The operator also sets Stalled=True with
-- them; this list keeps such a state Degraded even where only Ready is written (reasons of operator/.../Problem.java).
local TERMINAL_REASONS = {
  InvalidSpec = true,
  VPGNotFound = true,
  NamespaceNotAllowed = true,
  PoolOutsideDeviceSubnet = true,
  PoolOverlap = true,
  PoolExhausted = true,
  CIDROutsideDeviceSubnet = true,
  CIDROverlap = true,
  ClusterRangeOverlap = true,
  RouteLimitExceeded = true,
  AgentConfigTooLarge = true,
  AgentImageNotAllowed = true,
  TooManyNodes = true,
  ServiceNameTaken = true,
  InvalidName = true,
}

local function condition(conditions, type)
  for _, c in ipairs(conditions) do
    if c.type == type then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

local function health(obj)
  local status = obj.status
  if status == nil then
    return "Progressing", "Waiting for the SimGate operator to report status"
  end
  local generation = obj.metadata and obj.metadata.generation
  if generation ~= nil and (status.observedGeneration == nil or status.observedGeneration < generation) then
    return "Progressing", "Waiting for the SimGate operator to observe generation " .. tostring(generation)
  end
  local conditions = status.conditions or {}
  local stalled = condition(conditions, "Stalled")
  if stalled ~= nil and stalled.status == "True" then
    return "Degraded", describe(stalled, "Stalled")
  end
  local reconciling = condition(conditions, "Reconciling")
  if reconciling ~= nil and reconciling.status == "True" then
    return "Progressing", describe(reconciling, "Reconciling")
  end
  local ready = condition(conditions, "Ready")
  if ready == nil then
    return "Progressing", "Waiting for the Ready condition"
  end
  if ready.status == "True" then
    return "Healthy", describe(ready, "Ready")
  end
  if ready.status == "False" and TERMINAL_REASONS[ready.reason] then
    return "Degraded", describe(ready, ready.reason)
  end
  return "Progressing", describe(ready, "Not ready yet")
end

local hs = {}
hs.status, hs.message = health(obj)
return hs
