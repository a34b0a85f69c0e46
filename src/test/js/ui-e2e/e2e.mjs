// Signs in, creates a project, a bot and a trigger, fires the trigger, and watches the reply arrive in the
// conversation timeline, in Chromium at a laptop's and a phone's width.
// Usage: node e2e.mjs <baseUrl> <adminToken> <chromiumPath> [screenshotDir]
import { chromium } from 'playwright-core'

const [base, token, executablePath, shots] = process.argv.slice(2)
const browser = await chromium.launch({
  executablePath, headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
})
const out = {}
const shot = async (page, name) => { if (shots) await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true }) }
const expectText = async (page, text) => page.getByText(text, { exact: false }).first().waitFor({ timeout: 15000 })

try {
  const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await laptop.newPage()
  const failures = []
  page.on('pageerror', (e) => failures.push(e.message))
  page.on('console', (m) => { if (m.type() === 'error') failures.push(m.text()) })

  await page.goto(`${base}/ui`)
  await shot(page, 'sign-in')
  await page.fill('input[name=token]', token)
  await page.click('button[type=submit]')
  await expectText(page, 'New project')

  await page.fill('input[name=name]', 'Shop')
  await page.click('text=Create project')
  await page.waitForURL(/\/ui\/p\/prj_[a-z0-9]+\/conversations/)
  const project = page.url().match(/prj_[a-z0-9]+/)[0]
  out.project = project

  await page.click('header >> text=Bots')
  await page.fill('input[name=name]', 'Greeter')
  await page.fill('textarea[name=definition]', [
    'on:', '  trigger: { "*": main }', '  message: main', 'nodes:', '  main:',
    '    - say: "Thanks! We got your order for {{event.payload.item}}."',
    '    - say: { type: choice, text: "Anything else?", options: [ { label: "Track it", value: track }, { label: "No", value: no } ] }',
  ].join('\n'))
  await page.click('text=Create bot')
  await expectText(page, 'Versions')
  await shot(page, 'bot')

  await page.click('header >> text=Triggers')
  await page.click('text=New trigger')
  await page.fill('input[name=name]', 'Web order')
  await page.click('text=Create trigger')
  await expectText(page, 'Recent events')
  const copies = await page.$$eval('[data-copy]', (els) => els.map((e) => e.dataset.copy))
  const url = copies.find((v) => v.startsWith('http'))
  const secret = copies.find((v) => v.startsWith('whtrg_'))
  await shot(page, 'trigger')

  const fire = async (item) => {
    const r = await fetch(`${url}?session=e2e`, {
      method: 'POST', headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ item }),
    })
    if (r.status !== 202) throw new Error(`trigger answered ${r.status}`)
    return r.json()
  }
  const first = await fire('a lamp')
  await page.goto(`${base}/ui/p/${project}/conversations`)
  await page.click(`text=${first.conversationId}`)
  await expectText(page, 'Thanks! We got your order for a lamp.')
  await expectText(page, 'Track it')
  // Live: the next reply appears without reloading the page.
  await page.waitForTimeout(500)
  await fire('a chair')
  await expectText(page, 'Thanks! We got your order for a chair.')
  out.live = true
  await shot(page, 'conversation')

  for (const [section, name] of [['Conversations', 'conversations'], ['Events', 'events'], ['Subscriptions', 'subscriptions'],
    ['Analytics', 'analytics'], ['API keys', 'keys'], ['Channels', 'channels']]) {
    await page.click(`header >> text=${section}`)
    await page.waitForLoadState('load')
    await shot(page, name)
  }
  await page.goto(`${base}/ui/projects`)
  await shot(page, 'projects')
  out.consoleErrors = failures

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true })
  const small = await phone.newPage()
  await small.goto(`${base}/ui`)
  await small.fill('input[name=token]', token)
  await small.click('button[type=submit]')
  const overflow = {}
  for (const path of ['conversations', `conversations/${first.conversationId}`, 'triggers', 'events', 'analytics', 'bots']) {
    await small.goto(`${base}/ui/p/${project}/${path}`)
    overflow[path] = await small.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  }
  await small.goto(`${base}/ui/p/${project}/conversations/${first.conversationId}`)
  await expectText(small, 'Thanks! We got your order for a chair.')
  await shot(small, 'conversation-phone')
  await small.goto(`${base}/ui/p/${project}/conversations`)
  await shot(small, 'conversations-phone')
  out.phoneOverflow = overflow
  out.ok = true
} finally {
  await browser.close()
}
console.log(JSON.stringify(out))
