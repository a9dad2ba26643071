#!/usr/bin/env python3
# Generates tests/data/labelled_entries_heldout3_2026-12-10.json, the fifth
# held-out set, written before the parser and resolver changes that followed
# the 2026-12-09 set's misses, and never tuned on. Run from the repo root:
#   python3 tests/data/labelled_entries_heldout3_2026-12-10.py tests/data/labelled_entries_heldout3_2026-12-10.json
#
# Same method as labelled_entries_heldout2_2026-12-09.py: each meal food names
# the USDA food meant by its exact name in the bundled data
# (data/foods/usda_sr24.jsonl.gz or usda_fndds.jsonl.gz) and the grams of the
# portion meant (a USDA household measure, the stated amount, or a stated
# typical portion); its kcal per 100 g is read from that file here, never
# typed by hand and never taken from the parser. The entry's calorie range is
# the sum ±30 %, at least ±40 kcal.
import sys

from labelled_sets import E, f, meal, other, write

EGG = "Egg, whole, raw, fresh"
TOAST = "Bread, white, commercially prepared, toasted"
WTOAST = "Bread, whole-wheat, commercially prepared, toasted"
MILK2 = "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"
COFFEE = "Coffee, brewed from grounds, prepared with tap water"
TEA = "Tea, black, brewed, prepared with tap water"
RICE = "Rice, white, long-grain, regular, cooked"
BANANA = "Bananas, raw"
PB = "Peanut butter, smooth style, with salt"
BUTTER = "Butter, salted"
CRISPS = "Snacks, potato chips, plain, salted"
FRIES = "McDONALD'S, French Fries"
BEER = "Alcoholic beverage, beer, regular, all"
CHICKEN = "Chicken, broilers or fryers, breast, meat only, cooked, roasted"
GREEK = "Yogurt, Greek, NS as to type of milk, plain"

# Breakfasts with several foods.
meal("bagel w cream cheese and an oj", 8, [f("bagel", "Bagels, plain, enriched, with calcium propionate (includes onion, poppy, sesame)", 105, "1 medium 4 inch bagel"), f("cream cheese", "Cream cheese, regular, plain", 29, "2 tbsp"), f("oj", "Orange juice, chilled, includes from concentrate", 249, "1 cup")], "breakfast")
meal("3 pancakes w maple syrup", 9, [f("pancakes", "Pancakes, plain, prepared from recipe", 114, "3 pancakes of 4 inch, 38 g each"), f("maple syrup", "Syrups, maple", 40, "2 tbsp")], "breakfast")
meal("full english: 2 sausages, 2 eggs, beans, toast", 10, [f("sausages", "Pork sausage, fresh, cooked", 50, "2 UK chipolata-size links, 25 g each"), f("eggs", "Egg, whole, cooked, fried", 92, "2 large fried"), f("beans", "Beans, baked, canned, plain or vegetarian", 130, "half a 415 g tin, drained weight about 1/2 cup"), f("toast", TOAST, 27, "1 slice")], "breakfast")
meal("greek yogurt w granola and blueberries", 8, [f("greek yogurt", GREEK, 170, "6 oz pot"), f("granola", "Cereals ready-to-eat, granola, homemade", 30, "a sprinkle, 1/4 cup"), f("blueberries", "Blueberries, raw", 74, "1/2 cup")], "breakfast")
meal("2 boiled eggs and wholemeal toast", 7, [f("boiled eggs", "Egg, whole, cooked, hard-boiled", 100, "2 large"), f("wholemeal toast", WTOAST, 28, "1 slice")], "breakfast")
meal("porridge w banana and honey", 7, [f("porridge", "Oatmeal, NFS", 234, "a bowl, 1 cup"), f("banana", BANANA, 118, "1 medium"), f("honey", "Honey", 21, "1 tbsp")], "breakfast")
meal("flat white and a pain au chocolat", 8, [f("flat white", "Coffee, Latte", 240, "a small 8 fl oz cup (nearest USDA drink)"), f("pain au chocolat", "Croissants, butter", 60, "1 pastry, a croissant of about 60 g (nearest USDA food)")], "breakfast")
meal("hash brown and a sausage mcmuffin", 8, [f("hash brown", "McDONALD'S, Hash Browns", 53, "1 item"), f("sausage mcmuffin", "McDONALD'S, Sausage McMUFFIN", 113, "1 item")], "breakfast")
meal("2 weetabix w skimmed milk", 7, [f("weetabix", "Cereals ready-to-eat, wheat, shredded, plain, sugar and salt free", 38, "2 biscuits of 19 g (nearest USDA food)"), f("skimmed milk", "Milk, nonfat, fluid, with added vitamin A and vitamin D (fat free or skim)", 150, "150 ml on cereal")], "breakfast")
meal("avocado toast and an americano", 9, [("avocado toast", [("Avocados, raw, all commercial varieties", 68, "half a fruit"), (TOAST, 27, "1 slice")]), f("americano", COFFEE, 240, "1 cup (nearest USDA drink)")], "breakfast")
# Lunches.
meal("chicken caesar salad and a diet coke", 13, [f("chicken caesar salad", "McDONALD'S, Caesar Salad with Grilled Chicken", 278, "1 salad"), f("diet coke", "Soft drink, cola, diet", 355, "12 fl oz can")], "lunch")
meal("tuna mayo sandwich, packet of crisps, apple", 13, [f("tuna mayo sandwich", "Tuna salad sandwich on white", 150, "1 sandwich"), f("crisps", CRISPS, 25, "UK 25 g bag"), f("apple", "Apples, raw, with skin", 182, "1 medium")], "lunch")
meal("chicken burrito bowl", 13, [f("chicken burrito bowl", "Burrito bowl, chicken, with beans and rice", 500, "a restaurant bowl, about 2 cups")], "lunch")
meal("tomato soup and a bread roll", 13, [f("tomato soup", "Soup, tomato", 248, "1 cup"), f("bread roll", "Rolls, dinner, plain, commercially prepared (includes brown-and-serve)", 28, "1 roll")], "lunch")
meal("jacket potato w beans and cheese", 13, [f("jacket potato", "Potato, baked, flesh and skin, without salt", 202, "1 large"), f("beans", "Beans, baked, canned, plain or vegetarian", 127, "1/2 cup"), f("cheese", "Cheese, cheddar", 30, "a handful grated, 30 g")], "lunch")
meal("leftover lasagna and a side salad", 13, [f("lasagna", "Lasagna with meat & sauce, frozen entree", 300, "a dinner portion"), f("side salad", "Lettuce, green leaf, raw", 50, "a side bowl, about 1.5 cups")], "lunch")
meal("2 slices pepperoni pizza and a sprite", 13, [f("pepperoni pizza", "Fast Food, Pizza Chain, 14\" pizza, pepperoni topping, regular crust", 226, "2 slices of 113 g"), f("sprite", "Carbonated beverage, SPRITE, lemon-lime, without caffeine", 369, "12 fl oz can")], "lunch")
meal("sushi: 6 salmon rolls and miso soup", 13, [f("salmon rolls", "Sushi roll, salmon", 165, "6 pieces of about 27 g"), f("miso soup", "Soup, miso or tofu", 240, "1 cup")], "lunch")
meal("grilled chicken wrap and a banana", 13, [f("grilled chicken wrap", "Sandwich wrap, NFS", 250, "1 wrap"), f("banana", BANANA, 118, "1 medium")], "lunch")
meal("ham and cheese toastie", 13, [f("ham and cheese toastie", "Ham sandwich on white, with cheese", 170, "1 sandwich (nearest USDA food)")], "lunch")
meal("gyro and fries", 13, [f("gyro", "Gyro sandwich", 280, "1 sandwich"), f("fries", "Potato, french fries, NFS", 117, "a medium side")], "lunch")
meal("pad thai w chicken", 13, [f("pad thai", "Pad Thai with chicken", 400, "a takeaway box, about 2 cups")], "lunch")
# Dinners, home and takeaway.
meal("chicken breast, sweet potato and peas", 19, [f("chicken breast", CHICKEN, 172, "1 breast half, cooked"), f("sweet potato", "Sweet potato, cooked, baked in skin, without salt", 114, "1 medium"), f("peas", "Peas, green, cooked, boiled, drained, without salt", 80, "1/2 cup")], "dinner")
meal("salmon w quinoa and spinach", 19, [f("salmon", "Fish, salmon, Atlantic, farmed, cooked, dry heat", 170, "a 6 oz fillet, cooked"), f("quinoa", "Quinoa, cooked", 185, "1 cup"), f("spinach", "Spinach, raw", 30, "1 cup")], "dinner")
meal("fish and chips", 19, [f("fish", "Fish, catfish, fried", 170, "a takeaway fillet (nearest USDA fried fish)"), f("chips", "Potato, french fries, NFS", 200, "a UK takeaway portion")], "dinner")
meal("chicken tikka masala w rice and a naan", 19, [f("chicken tikka masala", "Chicken curry", 300, "a takeaway portion (nearest USDA food)"), f("rice", RICE, 158, "1 cup"), f("naan", "Bread, naan", 90, "1 naan")], "dinner")
meal("3 beef tacos", 19, [f("beef tacos", "Fast foods, taco with beef, cheese and lettuce, hard shell", 234, "3 tacos of 78 g")], "dinner")
meal("pasta w pesto and parmesan", 19, [f("pasta", "Pasta, cooked", 210, "1.5 cups"), f("pesto", "Pesto sauce", 32, "2 tbsp"), f("parmesan", "Cheese, parmesan, grated", 10, "2 tbsp")], "dinner")
meal("8oz sirloin, baked potato and broccoli", 19, [f("sirloin", "Beef, top sirloin, steak, separable lean and fat, trimmed to 1/8\" fat, all grades, cooked, broiled", 227, "8 oz"), f("baked potato", "Potato, baked, flesh and skin, without salt", 173, "1 medium"), f("broccoli", "Broccoli, cooked, boiled, drained, without salt", 78, "1/2 cup")], "dinner")
meal("burger and chips at the pub, 2 pints", 20, [f("burger", "Hamburger, NFS", 226, "a pub burger (nearest USDA food)"), f("chips", "Potato, french fries, NFS", 150, "a side"), f("pints", BEER, 1136, "2 UK pints")], "dinner")
meal("veg stir fry w noodles", 19, [f("veg stir fry", "Asian stir fry vegetables, cooked, fat added", 180, "a plate, about 1.5 cups"), f("noodles", "Noodles, egg, cooked, enriched", 160, "1 cup")], "dinner")
meal("sausage and mash w gravy", 19, [f("sausage", "Pork sausage, fresh, cooked", 150, "3 UK sausages of 50 g"), f("mash", "Potatoes, mashed, home-prepared, whole milk and butter added", 210, "1 cup"), f("gravy", "Gravy, brown instant, dry", 6, "1/4 cup prepared (dry weight)")], "dinner")
meal("12 buffalo wings", 20, [f("buffalo wings", "Chicken, broilers or fryers, wing, meat and skin, cooked, fried, flour", 384, "12 wings, bone removed, 32 g each")], "dinner")
meal("nachos w guac", 20, [f("nachos", "Fast foods, nachos, with cheese", 200, "a sharing plate half"), f("guac", "Guacamole, NFS", 60, "1/4 cup")], "dinner")
meal("chilli con carne w rice", 19, [f("chilli con carne", "Chili con carne with beans, canned entree", 250, "1 cup"), f("rice", RICE, 158, "1 cup")], "dinner")
meal("half a rotisserie chicken and coleslaw", 19, [f("rotisserie chicken", "Chicken breast, rotisserie, skin eaten", 300, "half a bird's meat, about 300 g (nearest USDA food)"), f("coleslaw", "Coleslaw, fast food / restaurant", 99, "a side, 1/2 cup")], "dinner")
# Drinks and alcohol.
meal("2 glasses of white wine", 21, [f("white wine", "Alcoholic beverage, wine, table, white", 350, "2 UK medium glasses of 175 ml")], "dinner")
meal("pint of cider and a packet of peanuts", 21, [f("cider", "Hard cider", 568, "1 UK pint"), f("peanuts", "Peanuts, all types, dry-roasted, with salt", 50, "UK 50 g bag")], "dinner")
meal("3 beers", 21, [f("beers", BEER, 1065, "3 cans of 12 fl oz")], "dinner")
meal("large latte w oat milk", 9, [f("latte", "Coffee, Latte", 473, "a 16 fl oz cup")], "breakfast")
meal("tea w milk and a digestive", 11, [f("tea", TEA, 240, "1 cup"), f("milk", MILK2, 30, "a splash"), f("digestive", "Cookies, graham crackers, plain or honey (includes cinnamon)", 15, "1 biscuit (nearest USDA food)")], "snack")
meal("rum and coke", 22, [f("rum and coke", "Rum and cola", 240, "1 drink, 8 fl oz (nearest USDA drink)")], "dinner")
# Snacks and sweets.
meal("kitkat and a cup of tea", 15, [f("kitkat", "Candies, KIT KAT Wafer Bar", 42, "1 4-finger bar"), f("tea", TEA, 240, "1 cup")], "snack")
meal("handful of almonds and an orange", 15, [f("almonds", "Nuts, almonds", 28, "a handful, 1 oz"), f("orange", "Oranges, raw, all commercial varieties", 131, "1 medium")], "snack")
meal("glazed donut", 10, [f("glazed donut", "Doughnuts, yeast-leavened, glazed, enriched (includes honey buns)", 60, "1 medium")], "snack")
meal("2 choc chip cookies and a glass of milk", 21, [f("choc chip cookies", "Cookies, chocolate chip, commercially prepared, soft-type", 30, "2 cookies of 15 g"), f("milk", MILK2, 244, "1 glass, 8 fl oz")], "dinner")
meal("strawberries and cream", 16, [f("strawberries", "Strawberries, raw", 152, "1 cup halves"), f("cream", "Cream, fluid, heavy whipping", 30, "2 tbsp")], "snack")
meal("protein shake and a banana after the gym", 18, [f("protein shake", "Nutritional powder mix, whey based, NFS", 30, "1 scoop"), f("banana", BANANA, 118, "1 medium")], "snack")
meal("edamame", 15, [f("edamame", "Edamame, cooked", 155, "1 cup")], "snack")
meal("rice cakes w pb", 15, [f("rice cakes", "Snacks, rice cakes, brown rice, plain", 18, "2 cakes of 9 g"), f("pb", PB, 16, "1 tbsp")], "snack")
# Several meals in one entry.
meal("breakfast: 2 eggs and toast. lunch: chicken wrap. dinner: spaghetti bolognese", 21, [f("eggs", EGG, 100, "2 large"), f("toast", TOAST, 27, "1 slice"), f("chicken wrap", "Sandwich wrap, NFS", 250, "1 wrap"), f("spaghetti bolognese", "Spaghetti with meat sauce, frozen entree", 300, "a dinner plate")])
meal("overnight oats for brekkie then a meal deal for lunch: sandwich, crisps and a coke", 14, [f("overnight oats", "Oatmeal, NFS", 234, "1 cup (nearest USDA food)"), f("sandwich", "Ham sandwich on white", 150, "1 sandwich"), f("crisps", CRISPS, 25, "UK 25 g bag"), f("coke", "Soft drink, cola", 500, "a 500 ml bottle")])
meal("bf yogurt and berries, lunch soup, dinner steak and chips", 21, [f("yogurt", "Yogurt, NFS", 170, "6 oz pot"), f("berries", "Blueberries, raw", 74, "1/2 cup"), f("soup", "Soup, tomato", 248, "1 cup"), f("steak", "Beef, steak, ribeye, lean and fat eaten", 227, "8 oz (the generic cooked steak)"), f("chips", "Potato, french fries, NFS", 150, "a side")])
meal("coffee at 8, bagel at 11, burrito at 2", 15, [f("coffee", COFFEE, 240, "1 cup"), f("bagel", "Bagels, plain, enriched, with calcium propionate (includes onion, poppy, sesame)", 105, "1 medium"), f("burrito", "Burrito, chicken, cheese", 300, "a restaurant burrito")])

# Workouts.
other("spin class 45 min", 18, "workout", type="cardio", duration_s=2700)
other("ran 8k in 41:30", 7, "workout", type="run", distance_m=8000, duration_s=2490)
other("squash 1h", 19, "workout", type="sport", duration_s=3600)
other("deadlift 5x3 140kg", 18, "workout", type="strength", sets=5, volume=2100)
other("60 pushups", 7, "workout", type="strength", reps=60)
other("walked 6 miles", 12, "workout", type="walk", distance_m=9656)
# Body.
other("71,4kg", 7, "body_measurement", weight_kg=71.4)
other("11st 2lb", 7, "body_measurement", weight_kg=70.76)
other("resting hr 52", 7, "body_measurement", resting_hr=52)
# Several kinds and notes.
other("5k run then porridge", 8, "multiple", type="run", distance_m=5000)
other("feeling tired today", 9, "unknown")

if __name__ == "__main__":
    write(sys.argv[1])
