/**
 * A realistic small home: lights, switches, sensors, a thermostat, a lock, weather, the sun.
 * Areas come from the area/device/entity registries, as in Home Assistant (they are not state
 * attributes there either).
 */

export interface SeedEntity {
  entity_id: string
  state: string
  attributes: Record<string, unknown>
  /** Area of the entity's device (or of the entity itself when it has no device). */
  area?: string
}

export const SEED_AREAS = [
  { area_id: 'living_room', name: 'Living Room' },
  { area_id: 'kitchen', name: 'Kitchen' },
  { area_id: 'bedroom', name: 'Bedroom' },
  { area_id: 'garden', name: 'Garden' },
  { area_id: 'hallway', name: 'Hallway' },
]

const LIGHT = { supported_color_modes: ['brightness'], supported_features: 0 }

export const SEED_ENTITIES: SeedEntity[] = [
  {
    entity_id: 'light.living_room',
    state: 'on',
    attributes: { ...LIGHT, color_mode: 'brightness', brightness: 180, friendly_name: 'Living Room Light' },
    area: 'living_room',
  },
  {
    entity_id: 'light.kitchen',
    state: 'off',
    attributes: { ...LIGHT, color_mode: null, brightness: null, friendly_name: 'Kitchen Light' },
    area: 'kitchen',
  },
  {
    entity_id: 'light.bedroom_lamp',
    state: 'off',
    attributes: { ...LIGHT, color_mode: null, brightness: null, friendly_name: 'Bedroom Lamp' },
    area: 'bedroom',
  },
  {
    entity_id: 'switch.coffee_maker',
    state: 'off',
    attributes: { friendly_name: 'Coffee Maker', device_class: 'outlet' },
    area: 'kitchen',
  },
  {
    entity_id: 'switch.garden_pump',
    state: 'on',
    attributes: { friendly_name: 'Garden Pump', device_class: 'switch' },
    area: 'garden',
  },
  {
    entity_id: 'sensor.living_room_temperature',
    state: '21.4',
    attributes: {
      state_class: 'measurement',
      unit_of_measurement: '°C',
      device_class: 'temperature',
      friendly_name: 'Living Room Temperature',
    },
    area: 'living_room',
  },
  {
    entity_id: 'sensor.living_room_humidity',
    state: '46',
    attributes: {
      state_class: 'measurement',
      unit_of_measurement: '%',
      device_class: 'humidity',
      friendly_name: 'Living Room Humidity',
    },
    area: 'living_room',
  },
  {
    entity_id: 'sensor.outdoor_temperature',
    state: '8.9',
    attributes: {
      state_class: 'measurement',
      unit_of_measurement: '°C',
      device_class: 'temperature',
      friendly_name: 'Outdoor Temperature',
    },
    area: 'garden',
  },
  {
    entity_id: 'sensor.power_consumption',
    state: '412.5',
    attributes: {
      state_class: 'measurement',
      unit_of_measurement: 'W',
      device_class: 'power',
      friendly_name: 'Power Consumption',
    },
  },
  {
    entity_id: 'binary_sensor.front_door',
    state: 'off',
    attributes: { device_class: 'door', friendly_name: 'Front Door' },
    area: 'hallway',
  },
  {
    entity_id: 'climate.living_room',
    state: 'heat',
    attributes: {
      hvac_modes: ['off', 'heat', 'auto'],
      min_temp: 7,
      max_temp: 35,
      target_temp_step: 0.5,
      current_temperature: 21.4,
      temperature: 21,
      hvac_action: 'heating',
      friendly_name: 'Living Room Thermostat',
      supported_features: 385,
    },
    area: 'living_room',
  },
  {
    entity_id: 'lock.front_door',
    state: 'locked',
    attributes: { friendly_name: 'Front Door Lock', supported_features: 0 },
    area: 'hallway',
  },
  {
    entity_id: 'weather.home',
    state: 'cloudy',
    attributes: {
      temperature: 8.9,
      temperature_unit: '°C',
      humidity: 81,
      pressure: 1012.3,
      pressure_unit: 'hPa',
      wind_speed: 14.4,
      wind_speed_unit: 'km/h',
      friendly_name: 'Home',
      supported_features: 3,
    },
  },
  {
    entity_id: 'sun.sun',
    state: 'above_horizon',
    attributes: {
      next_dawn: '2026-01-02T06:58:00.000000+00:00',
      next_setting: '2026-01-01T16:02:00.000000+00:00',
      elevation: 12.4,
      azimuth: 187.2,
      rising: false,
      friendly_name: 'Sun',
    },
  },
]

const entityField = (domains: string[]) => ({ entity: [{ domain: domains }] })

/** Service descriptions as /api/services and get_services return them. */
export const SEED_SERVICES: Record<string, Record<string, Record<string, unknown>>> = {
  homeassistant: {
    turn_on: {
      name: 'Generic turn on',
      description: 'Generic action to turn devices on.',
      fields: {},
      target: { entity: [{}] },
    },
    turn_off: {
      name: 'Generic turn off',
      description: 'Generic action to turn devices off.',
      fields: {},
      target: { entity: [{}] },
    },
    toggle: {
      name: 'Generic toggle',
      description: 'Generic action to toggle devices.',
      fields: {},
      target: { entity: [{}] },
    },
  },
  light: {
    turn_on: {
      name: 'Turn on',
      description: 'Turns on one or more lights and adjusts their properties.',
      fields: {
        brightness: { selector: { number: { min: 0, max: 255 } } },
        brightness_pct: { selector: { number: { min: 0, max: 100, unit_of_measurement: '%' } } },
      },
      target: entityField(['light']),
    },
    turn_off: {
      name: 'Turn off',
      description: 'Turns off one or more lights.',
      fields: {},
      target: entityField(['light']),
    },
    toggle: {
      name: 'Toggle',
      description: 'Toggles one or more lights.',
      fields: {},
      target: entityField(['light']),
    },
  },
  switch: {
    turn_on: {
      name: 'Turn on',
      description: 'Turns a switch on.',
      fields: {},
      target: entityField(['switch']),
    },
    turn_off: {
      name: 'Turn off',
      description: 'Turns a switch off.',
      fields: {},
      target: entityField(['switch']),
    },
    toggle: {
      name: 'Toggle',
      description: 'Toggles a switch on/off.',
      fields: {},
      target: entityField(['switch']),
    },
  },
  climate: {
    set_temperature: {
      name: 'Set target temperature',
      description: 'Sets the temperature setpoint.',
      fields: { temperature: { required: false, selector: { number: { min: 0, max: 250, step: 0.1 } } } },
      target: entityField(['climate']),
    },
    set_hvac_mode: {
      name: 'Set HVAC mode',
      description: 'Sets HVAC operation mode.',
      fields: { hvac_mode: { selector: { state: { hide_states: ['unavailable', 'unknown'] } } } },
      target: entityField(['climate']),
    },
  },
  lock: {
    lock: { name: 'Lock', description: 'Locks a lock.', fields: {}, target: entityField(['lock']) },
    unlock: { name: 'Unlock', description: 'Unlocks a lock.', fields: {}, target: entityField(['lock']) },
  },
  weather: {
    get_forecasts: {
      name: 'Get forecasts',
      description: 'Get weather forecasts.',
      fields: {
        type: { required: true, selector: { select: { options: ['daily', 'hourly', 'twice_daily'] } } },
      },
      target: entityField(['weather']),
      response: { optional: false },
    },
  },
}
