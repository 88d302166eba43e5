/**
 * What the playground seeds into the emulator: one returning customer with a
 * Memory profile and a small knowledge base for a fictional outdoor-gear shop.
 * Everything here is made up; the phone number is in the 555-01xx range
 * reserved for fiction.
 */

/** The seeded customer's phone number (the caller and the SMS sender in the playground). */
export const DEMO_CUSTOMER_PHONE = '+15555550123';

/** The seeded Memory profile of the demo customer. */
export const DEMO_CUSTOMER = {
  phone: DEMO_CUSTOMER_PHONE,
  email: 'maya.patel@example.com',
  traits: {
    Contact: {
      firstName: 'Maya',
      lastName: 'Patel',
      phone: DEMO_CUSTOMER_PHONE,
      email: 'maya.patel@example.com',
    },
    Loyalty: { tier: 'Gold', memberSince: '2021', points: 1840 },
  },
  observations: [
    'Prefers text messages over phone calls',
    'Bought the Ridgeline 2 tent in March and asked about seam sealing',
    'Has a dog named Biscuit who comes along on hikes',
  ],
  summaries: [
    'Last week Maya asked about returning hiking boots that were half a size too small; she was told returns are free within 30 days and started an exchange.',
  ],
} as const;

/** The seeded knowledge base: one chunk per topic, phrased to be read aloud. */
export const DEMO_KNOWLEDGE: readonly { knowledgeId: string; content: string }[] = [
  {
    knowledgeId: 'know_knowledge_hours',
    content:
      'Store hours: Cedar & Co. stores are open 9am to 7pm Monday to Friday, 10am to 6pm on Saturday, and 11am to 5pm on Sunday. Customer service by phone is available 8am to 8pm every day.',
  },
  {
    knowledgeId: 'know_knowledge_returns',
    content:
      'Returns policy: returns and exchanges are free within 30 days of delivery for unused items with the receipt or order number. Gold members get 60 days. Refunds go back to the original payment method within 5 business days.',
  },
  {
    knowledgeId: 'know_knowledge_shipping',
    content:
      'Shipping policy and delivery times: standard shipping is free on orders over $50 and takes 3 to 5 business days. Express shipping costs $12 and takes 1 to 2 business days. Orders placed before 2pm ship the same day.',
  },
  {
    knowledgeId: 'know_knowledge_tracking',
    content:
      'Order tracking: you can track an order with the link in the shipping confirmation email, or by giving an agent your order number. Orders usually show tracking within 24 hours of shipping.',
  },
  {
    knowledgeId: 'know_knowledge_warranty',
    content:
      'Warranty and repairs: tents, packs and jackets carry a lifetime warranty against defects. Repairs for wear and tear cost a flat $25 and take about two weeks.',
  },
  {
    knowledgeId: 'know_knowledge_loyalty',
    content:
      'Loyalty program: members earn 1 point per dollar. 1000 points become a $20 reward. Gold tier starts at 1500 points a year and adds free express shipping and 60-day returns.',
  },
  {
    knowledgeId: 'know_knowledge_rentals',
    content:
      'Gear rentals: tents, sleeping bags and stoves can be rented at any store from $15 a day. Rentals are reserved online or by phone and picked up the day before your trip.',
  },
];

/** Example prompts the page offers as one-click suggestions. */
export const DEMO_SUGGESTIONS = [
  'Hi there',
  'What are your store hours?',
  'What is your returns policy?',
  'What do you remember about me?',
  'Can I speak to a person?',
] as const;
