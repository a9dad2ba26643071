#!/usr/bin/env python3
# Generates tests/data/labelled_entries_heldout_2026-12-08.json, the third
# held-out set, written on 2026-12-08 before any parser or resolver change of
# that day and never tuned on. Run from the repo root:
#   python3 tests/data/labelled_entries_heldout_2026-12-08.py tests/data/labelled_entries_heldout_2026-12-08.json
#
# Each meal food names the USDA food meant by its exact name in the bundled
# data (data/foods/usda_sr24.jsonl.gz or usda_fndds.jsonl.gz) and the grams of
# the portion meant (a USDA household measure, the stated amount, or a stated
# typical portion); its kcal per 100 g is read from that file here, never
# typed by hand and never taken from the parser. The entry's calorie range is
# the sum ±30 %, at least ±40 kcal (the same tolerance as the phone set).
import sys

from labelled_sets import E, f, meal, other, write

EGG = "Egg, whole, raw, fresh"
TOAST = "Bread, white, commercially prepared, toasted"
MILK2 = "Milk, reduced fat, fluid, 2% milkfat, with added vitamin A and vitamin D"
MILKW = "Milk, whole, 3.25% milkfat, with added vitamin D"
COFFEE = "Coffee, brewed from grounds, prepared with tap water"
TEA = "Tea, black, brewed, prepared with tap water"
RICE = "Rice, white, long-grain, regular, cooked"
BANANA = "Bananas, raw"
PB = "Peanut butter, smooth style, with salt"

# Brands, fast food, snacks: no word of the old food-word list in most of them.
meal("costco hot dog", 13, [f("costco hot dog", "Hot dog sandwich, beef, on white bun", 190, "1/4 lb frank in a bun")], "lunch")
meal("a snickers", 15, [f("snickers", "Candies, MARS SNACKFOOD US, SNICKERS Bar", 57, "1 bar (2 oz)")], "snack")
meal("glass of oj", 8, [f("oj", "Orange juice, chilled, includes from concentrate", 249, "1 cup")], "breakfast")
meal("kit kat", 15, [f("kit kat", "Candies, KIT KAT Wafer Bar", 42, "1 bar (1.5 oz)")], "snack")
meal("small bag of doritos", 16, [f("doritos", "Tortilla chips, other flavors (Doritos)", 28.35, "1 oz bag")], "snack")
meal("2 reeses cups", 21, [f("reeses cups", "Candies, REESE'S Peanut Butter Cups", 45, "1 package, 2 cups")], "dinner")
meal("clif bar", 16, [f("clif bar", "Snacks, CLIF BAR, mixed flavors", 68, "1 bar")], "snack")
meal("can of monster", 15, [f("monster", "Energy Drink, Monster", 473, "16 fl oz can")], "snack")
meal("diet coke", 13, [f("diet coke", "Carbonated beverage, low calorie, cola or pepper-type, with aspartame, contains caffeine", 355, "12 fl oz can")], "lunch")
meal("quarter pounder w cheese and large fries", 13, [f("quarter pounder", "McDONALD'S, QUARTER POUNDER with Cheese", 199, "1 item"), f("fries", "McDONALD'S, French Fries", 154, "large serving")], "lunch")
meal("mcchicken", 12, [f("mcchicken", "McDONALD'S, McCHICKEN Sandwich (without mayonnaise)", 138, "1 item")], "lunch")
meal("10 piece nuggets", 13, [f("nuggets", "McDONALD'S, Chicken McNUGGETS", 159, "10 pieces")], "lunch")
meal("egg mcmuffin and a hash brown", 8, [f("egg mcmuffin", "McDONALD'S, Egg McMUFFIN", 139, "1 item"), f("hash brown", "McDONALD'S, Hash Browns", 56, "1 (2 oz)")], "breakfast")
meal("chick fil a sandwich", 12, [f("chick fil a sandwich", "Fast foods, chicken fillet sandwich, plain", 182, "1 sandwich")], "lunch")
meal("chipotle chicken burrito bowl", 13, [f("chipotle chicken burrito bowl", "Burrito bowl, chicken, with beans and rice", 450, "a restaurant bowl")], "lunch")
meal("2 slices pepperoni pizza", 19, [f("pepperoni pizza", "PIZZA HUT 14\" Pepperoni Pizza, Hand-Tossed Crust", 226, "2 slices of 113 g")], "dinner")
meal("krispy kreme glazed donut", 10, [f("krispy kreme glazed donut", "Doughnuts, yeast-leavened, glazed, unenriched (includes honey buns)", 60, "1 medium")], "breakfast")
meal("grande latte", 9, [f("latte", "Coffee, Latte", 480, "16 fl oz")], "breakfast")
meal("tall americano", 9, [f("americano", COFFEE, 354, "12 fl oz")], "breakfast")
meal("chobani", 10, [f("chobani", "Yogurt, Greek, nonfat milk, fruit", 150, "5.3 oz cup")], "breakfast")
meal("a babybel", 15, [f("babybel", "Cheese, Gouda or Edam", 20, "1 mini round (20 g)")], "snack")
meal("4 oreos", 21, [f("oreos", "Cookies, chocolate sandwich, with creme filling, regular", 45, "4 cookies of 11.3 g")], "dinner")
meal("a mars bar", 16, [f("mars bar", "Candies, MARS SNACKFOOD US, MILKY WAY Bar", 51, "UK Mars bar 51 g (the US Milky Way)")], "snack")
meal("pb&j", 12, [f("pb&j", "Peanut butter and jelly sandwich, NFS", 93, "1 sandwich (2 slices, 1 tbsp each)")], "lunch")
# Small countable foods with no count, and UK units.
meal("greek yogurt w/ blueberries", 8, [f("greek yogurt", "Yogurt, Greek, NS as to type of milk, plain", 170, "6 oz container"), f("blueberries", "Blueberries, raw", 74, "1/2 cup")], "breakfast")
meal("strawberries", 15, [f("strawberries", "Strawberries, raw", 144, "1 cup whole")], "snack")
meal("grapes", 16, [f("grapes", "Grapes, red or green (European type, such as Thompson seedless), raw", 126, "1 NLEA serving")], "snack")
meal("handful of cashews", 15, [f("cashews", "Nuts, cashew nuts, dry roasted, with salt added", 28.35, "1 oz")], "snack")
meal("strawberry yoghurt pot", 10, [f("strawberry yoghurt", "Yogurt, fruit, low fat, 9 grams protein per 8 ounce", 150, "UK pot 150 g")], "breakfast")
meal("muller yoghurt pot", 15, [f("muller yoghurt", "Yogurt, fruit, low fat, 9 grams protein per 8 ounce", 150, "UK pot 150 g")], "snack")
meal("eggs - 2", 8, [f("eggs", EGG, 100, "2 large")], "breakfast")
meal("toast - 2 slices w butter", 8, [f("toast", TOAST, 54, "2 slices"), f("butter", "Butter, salted", 10, "2 tsp spread")], "breakfast")
meal("cuppa w/ milk", 16, [f("cuppa", TEA, 237, "1 cup"), f("milk", MILK2, 30, "a splash")], "snack")
meal("2 digestives", 16, [f("digestives", "Cookies, graham crackers, plain or honey (includes cinnamon)", 30, "2 UK digestives of 15 g")], "snack")
meal("large glass of white wine", 20, [f("white wine", "Alcoholic beverage, wine, table, all", 250, "UK large glass 250 ml")], "dinner")
meal("2 pints of cider", 21, [f("cider", "Hard cider", 1136, "2 UK pints")], "dinner")
meal("a pint of guinness", 20, [f("guinness", "Alcoholic beverage, beer, regular, all", 568, "1 UK pint")], "dinner")
meal("a tin of tuna", 13, [f("tuna", "Fish, tuna, light, canned in water, drained solids", 112, "UK 145 g tin, drained")], "lunch")
meal("jacket potato w tuna mayo", 13, [f("jacket potato", "Potatoes, baked, flesh and skin, with salt", 299, "1 large"), f("tuna mayo", "Fish, tuna salad", 85, "3 oz")], "lunch")
meal("beans on toast", 12, [("beans on toast", [("Beans, baked, canned, plain or vegetarian", 207, "half a 415 g tin"), (TOAST, 54, "2 slices")])], "lunch")
meal("2 crumpets w/ butter", 16, [f("crumpets", "English muffins, plain, toasted, enriched, with calcium propionate (includes sourdough)", 110, "2 crumpets of 55 g (English muffin as the nearest USDA food)"), f("butter", "Butter, salted", 10, "2 tsp")], "snack")
meal("fish and chips", 19, [("fish and chips", [("Fish, haddock, fried", 170, "a chip-shop fillet"), ("Potato, french fries, NFS", 200, "a portion of chips")])], "dinner")
meal("bacon sarnie", 9, [("bacon sarnie", [("Pork, cured, bacon, cooked, pan-fried", 32, "2 UK back rashers, cooked"), ("Bread, white, commercially prepared (includes soft bread crumbs)", 58, "2 slices")])], "breakfast")
# Everyday plates, US and UK amounts.
meal("5oz salmon and a sweet potato", 19, [f("salmon", "Fish, salmon, Atlantic, farmed, cooked, dry heat", 142, "5 oz"), f("sweet potato", "Sweet potato, cooked, baked in skin, without salt", 114, "1 medium")], "dinner")
meal("1 cup jasmine rice + chicken breast", 19, [f("jasmine rice", RICE, 158, "1 cup"), f("chicken breast", "Chicken, broilers or fryers, breast, meat only, cooked, roasted", 172, "1/2 breast")], "dinner")
meal("chicken tikka masala w/ rice", 19, [f("chicken tikka masala", "Chicken curry", 300, "a takeaway portion"), f("rice", RICE, 158, "1 cup")], "dinner")
meal("pad thai", 19, [f("pad thai", "Pad Thai with chicken", 400, "a takeaway box, 2 cups")], "dinner")
meal("lasagne", 19, [f("lasagne", "Lasagna with meat", 250, "a piece")], "dinner")
meal("spaghetti w meat sauce", 19, [f("spaghetti", "Spaghetti with meat sauce, frozen entree", 283, "1 serving")], "dinner")
meal("grilled cheese", 12, [f("grilled cheese", "Grilled cheese sandwich, NFS", 119, "1 sandwich")], "lunch")
meal("blt and a bag of crisps", 13, [f("blt", "Bacon, lettuce, tomato sandwich on white", 150, "1 sandwich"), f("crisps", "Snacks, potato chips, plain, salted", 40, "a 40 g bag")], "lunch")
meal("tuna sub", 13, [f("tuna sub", "Fast foods, submarine sandwich, with tuna salad", 256, "1 submarine")], "lunch")
meal("bowl of tomato soup", 12, [f("tomato soup", "Soup, tomato bisque, canned, prepared with equal volume water", 370, "a bowl, 1.5 cups")], "lunch")
meal("club sandwich", 13, [f("club sandwich", "Club sandwich on white", 220, "1 sandwich")], "lunch")
meal("3 pancakes w/ maple syrup", 9, [f("pancakes", "Pancakes, plain", 114, "3 of 4\" (38 g)"), f("maple syrup", "Syrups, maple", 40, "2 tbsp")], "breakfast")
meal("bowl of cheerios w/ 2% milk", 7, [f("cheerios", "Cereals ready-to-eat, GENERAL MILLS, CHEERIOS", 42, "a bowl, 1.5 cups"), f("2% milk", MILK2, 183, "3/4 cup on cereal")], "breakfast")
meal("2 weetabix and a banana", 7, [f("weetabix", "Cereals ready-to-eat, WEETABIX WHOLE WHEAT CEREAL", 36, "2 biscuits"), f("banana", BANANA, 118, "1 medium")], "breakfast")
meal("porridge w/ banana & honey", 7, [f("porridge", "Oatmeal, NFS", 234, "a bowl, 1 cup"), f("banana", BANANA, 118, "1 medium"), f("honey", "Honey", 21, "1 tbsp")], "breakfast")
meal("banana w 2 tbsp pb", 16, [f("banana", BANANA, 118, "1 medium"), f("pb", PB, 32, "2 tbsp")], "snack")
meal("bagel & cream cheese", 8, [f("bagel", "Bagels, plain, enriched, with calcium propionate (includes onion, poppy, sesame)", 105, "1 medium"), f("cream cheese", "Cheese, cream", 29, "2 tbsp")], "breakfast")
meal("hummus and carrot sticks", 15, [f("hummus", "Hummus, commercial", 60, "1/4 cup"), f("carrot sticks", "Carrots, raw", 122, "1 cup strips")], "snack")
meal("an orange", 15, [f("orange", "Oranges, raw, all commercial varieties", 131, "1 fruit")], "snack")
meal("2 kiwis", 15, [f("kiwis", "Kiwifruit, green, raw", 138, "2 fruit of 69 g")], "snack")
meal("clementine", 16, [f("clementine", "Clementines, raw", 74, "1 fruit")], "snack")
meal("a slice of banana bread", 16, [f("banana bread", "Bread, banana, prepared from recipe, made with margarine", 60, "1 slice")], "snack")
meal("2 tacos", 19, [f("tacos", "TACO BELL, Original Taco with beef, cheese and lettuce", 138, "2 tacos of 69 g")], "dinner")
meal("6oz sirloin w/ side salad", 19, [f("sirloin", "Beef, top sirloin, steak, separable lean and fat, trimmed to 1/8\" fat, choice, cooked, broiled", 170, "6 oz"), f("side salad", "Lettuce, green leaf, raw", 85, "a side salad (no dressing)")], "dinner")
# Several meals in one entry.
meal("bfast oatmeal w pb, lunch turkey wrap, dinner 6oz steak & rice", 21, [f("oatmeal", "Oatmeal, NFS", 234, "1 cup"), f("pb", PB, 16, "1 tbsp"), f("turkey wrap", "Turkey sandwich wrap", 180, "1 wrap"), f("steak", "Beef, top sirloin, steak, separable lean and fat, trimmed to 1/8\" fat, choice, cooked, broiled", 170, "6 oz"), f("rice", RICE, 158, "1 cup")])
meal("breakfast was 2 eggs on toast, lunch a blt", 14, [f("eggs", EGG, 100, "2 large"), f("toast", TOAST, 27, "1 slice"), f("blt", "Bacon, lettuce, tomato sandwich on white", 150, "1 sandwich")])
meal("lunch: mcchicken + fries, then a kit kat at 4", 16, [f("mcchicken", "McDONALD'S, McCHICKEN Sandwich (without mayonnaise)", 138, "1 item"), f("fries", "McDONALD'S, French Fries", 117, "medium"), f("kit kat", "Candies, KIT KAT Wafer Bar", 42, "1 bar")])

# Workouts: sports, classes, distances, paces, sets, reps without sets.
other("45 min on the peloton", 7, "workout", type="ride", duration_s=2700)
other("5k parkrun 27:30", 9, "workout", type="run", distance_m=5000, duration_s=1650)
other("ran 3.1 mi in 28 min", 7, "workout", type="run", distance_m=4989, duration_s=1680)
other("30 min zumba", 18, "workout", type="cardio", duration_s=1800)
other("badminton 1.5 hrs", 19, "workout", type="sport", duration_s=5400)
other("tennis for an hour", 17, "workout", type="sport", duration_s=3600)
other("swim 1500m 35 min", 7, "workout", type="swim", distance_m=1500, duration_s=2100)
other("rowed 2k in 8:05", 18, "workout", type="rowing", distance_m=2000, duration_s=485)
other("20 min stairmaster", 18, "workout", type="cardio", duration_s=1200)
other("squats 3x10 @ 60kg", 18, "workout", type="strength", sets=3, volume=1800)
other("deadlift 5x5 100kg", 18, "workout", type="strength", sets=5, volume=2500)
other("50 burpees", 7, "workout", type="strength", reps=50)
other("walked the dog 40 mins", 8, "workout", type="walk", duration_s=2400)
other("cycled to work 12km", 8, "workout", type="ride", distance_m=12000)
other("hot yoga 60 min", 19, "workout", type="yoga", duration_s=3600)
other("boxing class 1hr", 19, "workout", type="sport", duration_s=3600)
other("went skiing 3 hours", 11, "workout", type="sport", duration_s=10800)
other("crossfit wod 35 min", 6, "workout", type="cardio", duration_s=2100)
other("marathon 4:12:30", 13, "workout", type="run", distance_m=42195, duration_s=15150)
other("1hr 15 min bike ride", 10, "workout", type="ride", duration_s=4500)
other("golf 4 hrs", 10, "workout", type="sport", duration_s=14400)
other("8k at 5:30/km", 7, "workout", type="run", distance_m=8000, duration_s=2640)
other("40 pushups and 60 situps", 7, "workout", type="strength", reps=100)
# Body.
other("weight 82.4", 7, "body_measurement", weight_kg=82.4)
other("13st 2lb", 7, "body_measurement", weight_kg=83.46)
other("weighed in at 176 lbs", 7, "body_measurement", weight_kg=79.83)
other("body fat 18.5%", 7, "body_measurement", body_fat=18.5)
other("waist 34 in", 7, "body_measurement", waist_cm=86.36)
other("rhr 61", 7, "body_measurement", resting_hr=61)
other("69,4kg this am", 7, "body_measurement", weight_kg=69.4)
other("resting heart rate 48 bpm", 7, "body_measurement", resting_hr=48)
other("bodyfat 24,1 %", 7, "body_measurement", body_fat=24.1)
# Several kinds.
other("5k run then a banana", 8, "multiple", type="run", distance_m=5000)
other("weighed 74.2 kg, ran 8k", 7, "multiple", weight_kg=74.2)
other("bench 3x8 @ 70kg then a protein shake", 19, "multiple", type="strength", sets=3, volume=1680)
other("oatmeal for bfast, 30 min walk after", 9, "multiple", type="walk", duration_s=1800)
# Notes.
other("feeling tired today", 8, "unknown")
other("cheat day lol", 20, "unknown")
other("skipped the gym", 19, "unknown")
other("period started", 9, "unknown")

if __name__ == "__main__":
    write(sys.argv[1])
