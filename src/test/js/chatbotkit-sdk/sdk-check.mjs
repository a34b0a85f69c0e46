// Calls every trigger integration method of the official SDK against Switchboard and prints what it got as JSON.
// Usage: node sdk-check.mjs <baseUrl> <projectApiKey> <botId>
import { ChatBotKit } from '@chatbotkit/sdk'

const [baseUrl, secret, botId] = process.argv.slice(2)
const client = new ChatBotKit({ baseUrl, secret, retries: 0 })
const triggers = client.integration.trigger
const out = {}

out.create = await triggers.create({
  name: 'Nightly report', description: 'from the SDK', meta: { team: 'ops' }, botId,
  authenticate: true, schedule: 'daily', timezone: 'Europe/Berlin', sessionDuration: 60000,
})
const id = out.create.id
await triggers.create({ name: 'Other', botId, meta: { team: 'sales' } })
out.list = await triggers.list({ meta: { team: 'ops' } })
out.listAsc = await triggers.list({ order: 'asc', take: 1 })
out.fetch = await triggers.fetch(id)
out.update = await triggers.update(id, { name: 'Hourly report', schedule: 'hourly', sessionDuration: 0 })
out.fetchUpdated = await triggers.fetch(id)
out.setup = await triggers.setup(id)
out.invoke = await triggers.invoke(id, {})
out.delete = await triggers.delete(id)
try {
  await triggers.fetch(id)
  out.fetchDeleted = 'no error'
} catch (e) {
  out.fetchDeleted = { message: e.message, code: e.code }
}
try {
  await triggers.create({ botId, sessionDuration: -1, schedule: 'every full moon' })
  out.invalid = 'no error'
} catch (e) {
  out.invalid = { message: e.message, code: e.code }
}
console.log(JSON.stringify(out))
